"""The GitHub Actions workflows for adopting teams (README, "CI for your team"): zizmor finds nothing in
them (schema and security) and would find a planted flaw; they run the README's commands, pin every
action by commit, keep each permission to the job that needs it, and diff every stage the app builds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tooling.diff_comment import MARKER, body, post
from tooling.synth import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
ZIZMOR = Path(sys.executable).with_name("zizmor")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    """Offline audits only; a workflow that does not match the schema fails instead of being skipped."""
    files = [str(path) for path in sorted(folder.glob("*.yml"))]
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--strict-collection", "--persona=pedantic", "--no-progress", *files],
        capture_output=True,
        text=True,
        check=False,
    )


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_zizmor_finds_nothing():
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


PLANTS = {
    "unpinned-uses": (
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
        "actions/checkout@v7",
    ),
    "excessive-permissions": ("    permissions:\n      contents: read\n", "    permissions: write-all\n"),
    "template-injection": (
        "      - run: make test\n",
        "      - run: echo ${{ github.event.pull_request.title }}\n",
    ),
    "schema": ("    runs-on: ubuntu-latest", "    run-on: ubuntu-latest"),
}


@pytest.mark.parametrize("flaw", PLANTS)
def test_zizmor_fails_on_a_planted_flaw(flaw, tmp_path):
    """Negative control: each flaw, planted in a copy of ci.yml, fails the audit and is named."""
    old, new = PLANTS[flaw]
    copy = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, copy)
    text = (copy / "ci.yml").read_text(encoding="utf-8")
    assert old in text
    (copy / "ci.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = zizmor(copy)
    assert result.returncode != 0
    named = "does not match expected validation schema" if flaw == "schema" else flaw
    assert named in result.stdout + result.stderr


def readme_commands() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## The two commands", 1)[1]
    return re.findall(r"^(make \w+) +#", section.split("\n## ", 1)[0], flags=re.MULTILINE)


def test_ci_runs_exactly_the_readme_commands_in_the_order_of_the_projects_ci():
    runs = [
        step["run"] for job in workflow("ci.yml")["jobs"].values() for step in steps(job) if "run" in step
    ]
    ci_run = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line[:5] == "make "
    ]
    assert sorted(readme_commands()) == ["make synth", "make test"]
    assert runs == ci_run == ["make test", "make synth"]


def test_ci_runs_on_pull_requests_and_pushes_to_main():
    triggers = workflow("ci.yml")[True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {"pull_request": None, "push": {"branches": ["main"]}}


def test_every_action_is_pinned_by_commit_with_its_version():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        uses = [
            s["uses"]
            for job in yaml.safe_load(path.read_text())["jobs"].values()
            for s in steps(job)
            if "uses" in s
        ]
        assert uses and all(PINNED.match(ref) for ref in uses), path.name
        lines = [line for line in path.read_text().splitlines() if "uses:" in line]
        assert all(re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line) for line in lines), path.name


def test_permissions_are_granted_per_job_and_only_where_used():
    granted = {}
    for name in ("ci.yml", "cdk-diff.yml"):
        flow = workflow(name)
        assert flow["permissions"] == {}, name
        for job_id, job in flow["jobs"].items():
            granted[job_id] = job["permissions"]
    assert granted == {
        "test": {"contents": "read"},
        "stages": {},
        "diff": {"contents": "read", "id-token": "write"},
        "comment": {"contents": "read", "pull-requests": "write"},
    }


def test_the_diff_covers_every_stage_the_app_synthesizes(synthesized):
    stages = sorted({stack.stage for stack in synthesized.values()})
    roles = workflow("cdk-diff.yml")["jobs"]["stages"]["steps"][0]
    assert sorted(roles["env"]) == stages
    assert all(roles["env"][stage] == f"${{{{ vars.{stage.upper()}_DIFF_ROLE_ARN }}}}" for stage in stages)
    assert "{" + ", ".join(roles["env"]) + "}" in roles["run"]


def test_the_diff_skips_forks_and_dependabot_and_compares_templates_only():
    jobs = workflow("cdk-diff.yml")["jobs"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in jobs["stages"]["if"]
    assert "github.event.pull_request.user.login != 'dependabot[bot]'" in jobs["stages"]["if"]
    commands = "\n".join(step.get("run", "") for step in steps(jobs["diff"]))
    # `--method=template` needs only the lookup role, the one the README's diff role may assume.
    assert (
        'cdk diff --method=template --no-color -c "config=$CONFIG" -c "commit=$COMMIT" "$STAGE/*"' in commands
    )


def test_both_workflows_synthesize_with_the_commit_they_check_out():
    """The model-build pipelines record it (`-c commit=`, through `make synth`'s COMMIT)."""
    assert (
        workflow("cdk-diff.yml")["jobs"]["diff"]["env"]["COMMIT"]
        == "${{ github.event.pull_request.head.sha }}"
    )
    [synth] = [s for s in steps(workflow("ci.yml")["jobs"]["test"]) if s.get("run") == "make synth"]
    assert synth["env"]["COMMIT"] == "${{ github.sha }}"


def test_the_comment_fits_github_and_says_which_stage_changed():
    big = "[~] AWS::IAM::Role Role\n" * 20_000 + "\n✨  Number of stacks with differences: 3\n"
    text = body(
        {"dev": big, "test": "✨  Number of stacks with differences: 0\n", "prod": None}, "c.toml", "u"
    )
    assert text.startswith(MARKER)
    assert len(text) < 65_536
    assert "<b>dev</b>: 3 stack(s) with differences" in text
    assert "cut to fit the comment" in text
    assert "<b>test</b>: 0 stack(s) with differences" in text
    assert "**prod**: no diff" in text


def test_a_failed_diff_is_reported_as_failed():
    text = body({"dev": "Unable to assume role\n"}, "c.toml", "u")
    assert "<b>dev</b>: `cdk diff` failed" in text


@pytest.mark.parametrize(
    ("existing", "call"),
    [("", "POST repos/o/r/issues/7/comments"), ("42\n", "PATCH repos/o/r/issues/comments/42")],
)
def test_the_comment_is_updated_in_place(existing, call, tmp_path, monkeypatch):
    """With a fake `gh`: the bot's marked comment is patched when it exists, created otherwise."""
    gh = tmp_path / "gh"
    gh.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {tmp_path}/calls\n'
        f'case "$*" in *--paginate*) printf "{existing}" ;; *) cat > {tmp_path}/payload ;; esac\n'
    )
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    post("o/r", "7", f"{MARKER}\nhello")
    listed, written = (tmp_path / "calls").read_text().splitlines()
    assert MARKER in listed and "github-actions[bot]" in listed
    assert written == f"api --method {call} --input -"
    assert json.loads((tmp_path / "payload").read_text()) == {"body": f"{MARKER}\nhello"}
