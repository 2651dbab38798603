"""At 50 projects, each with everything on that grows per project, the app lints clean, every stack
stays inside every deploy limit (templates, Lambda environments, policies, patterns, targets), and
names never collide across projects (issue 12: the audit function's environment outgrew 4 KB)."""

from __future__ import annotations

import pytest

from compliance.deploy_limits import limit_problems
from tests import scale_synthesis
from tests.scale_synthesis import PROJECTS
from tooling.lint import lint_stacks


@pytest.fixture(scope="module")
def fifty_projects(request):
    """Synthesized by `app.py` with every check, started when the suite was collected (conftest)."""
    return request.config.stash[scale_synthesis.STARTED].stacks()


def test_every_stack_stays_under_400_resources_and_800_kb(fifty_projects):
    too_big = [
        (stack.name, len(stack.template["Resources"]), stack.template_file.stat().st_size)
        for stack in fifty_projects
        if len(stack.template["Resources"]) >= 400 or stack.template_file.stat().st_size >= 800 * 1024
    ]
    assert too_big == []


def test_the_fifty_project_app_lints_clean(fifty_projects):
    assert lint_stacks(fifty_projects) == []


def test_the_fifty_project_app_is_inside_every_deploy_limit(fifty_projects):
    assert limit_problems(fifty_projects) == []


def test_each_project_gets_its_own_stacks(fifty_projects):
    names = [stack.name for stack in fifty_projects]
    assert len(names) == len(set(names))
    for kind in ("dev-ModelBuild", "dev-Promotion", "test-Serving", "prod-Serving"):
        assert len([n for n in names if n.startswith(f"{kind}-project")]) == PROJECTS, kind


def test_physical_names_never_collide_across_projects(fifty_projects):
    named = {}
    for stack in fifty_projects:
        for resource in stack.template["Resources"].values():
            properties = resource.get("Properties", {})
            for key in (
                "RoleName",
                "PipelineName",
                "EndpointName",
                "BucketName",
                "TableName",
                "MonitoringScheduleName",
                "AlarmName",
            ):
                name = properties.get(key)
                if isinstance(name, str):
                    place = (stack.account, resource["Type"], name)
                    assert place not in named, f"{name} in {stack.name} and {named[place]}"
                    named[place] = stack.name
    assert len(named) > 10 * PROJECTS  # the check saw the per-project names
