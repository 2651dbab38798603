"""The README's deploy commands deploy every stack, each after the stacks AWS needs to exist first."""

from __future__ import annotations

import re

from compliance.deploy_order import order_problems, prerequisites
from tooling.synth import ROOT

_DEPLOY = re.compile(r"^make deploy .*STAGE=(\w+)(?:.*STACKS=(\S+))?", re.MULTILINE)


def readme_steps() -> list[str]:
    """The README's `make deploy` commands, in order, as stack-path patterns (`dev/Storage`, `prod/*`)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bootstrap, diff, deploy", 1)[1].split("\n## ", 1)[0]
    return [f"{stage}/{stacks or '*'}" for stage, stacks in _DEPLOY.findall(section)]


def test_the_readme_deploys_dev_storage_then_test_prod_and_dev():
    assert readme_steps() == ["dev/Storage", "test/*", "prod/*", "dev/*"]


def test_prod_replicates_into_a_bucket_of_dev_storage(synthesized):
    """The check sees the dependency it guards: without it the order test below would prove nothing."""
    assert (
        "prod/ServingFoundation",
        "dev/Storage",
        "it replicates into bucket mlplatform-prod-feedback-111111111111",
    ) in prerequisites(list(synthesized.values()))


def test_the_readme_order_creates_each_stack_after_what_it_needs(synthesized):
    assert order_problems(list(synthesized.values()), readme_steps()) == []


def test_the_former_order_is_refused(synthesized):
    """Negative control: test, prod, dev (the order before replication) fails prod's first deploy."""
    assert order_problems(list(synthesized.values()), ["test/*", "prod/*", "dev/*"]) == [
        "prod/ServingFoundation is deployed before dev/Storage, but it replicates into bucket "
        "mlplatform-prod-feedback-111111111111: deploy dev/Storage first"
    ]


def test_a_stack_no_step_deploys_is_reported(synthesized):
    problems = order_problems(list(synthesized.values()), ["dev/*", "prod/*"])
    assert problems and all(
        p.startswith("test/") and p.endswith("no deploy step deploys it") for p in problems
    )
