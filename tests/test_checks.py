"""The checks gate every synthesis: cdk-nag packs and cfn-lint find nothing, and would find a flaw."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Environment, Stack, Stage
from aws_cdk import aws_s3 as s3

from cfn.assembly import SynthesizedStack
from compliance.checks import add_checks
from tooling import lint
from tooling.lint import lint_stacks
from tooling.synth import cdk_app


def test_nag_packs_report_no_unacknowledged_finding(example_outdir):
    report = json.loads((example_outdir / "validation-report.json").read_text())
    violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
    assert violations == []


def test_nag_gate_fails_synthesis_on_a_flaw(tmp_path):
    """A negative control: an unencrypted, unlogged bucket must stop synthesis with named rules."""
    app = cdk_app(tmp_path)
    stage = Stage(app, "dev", env=Environment(account="111111111111", region="eu-west-1"))
    s3.CfnBucket(Stack(stage, "Flawed"), "Bucket")
    add_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = (tmp_path / "validation-report.json").read_text()
    assert "AwsSolutions-S1" in report  # server access logs
    assert "NIST.800.53.R5-S3DefaultEncryptionKMS" in report


def test_cfn_lint_finds_nothing_in_any_template(synthesized):
    assert lint_stacks(list(synthesized.values())) == []


def test_cfn_lint_would_find_a_broken_template(tmp_path):
    template = tmp_path / "broken.template.json"
    template.write_text(
        json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Nme": "x"}}}})
    )
    stack = SynthesizedStack("dev", "dev-Broken", "dev/Broken", "111111111111", "eu-west-1", template)
    findings = lint_stacks([stack])
    assert findings and findings[0].startswith("dev-Broken: E3002")


def test_cfn_lint_checks_each_template_against_its_own_region(tmp_path):
    """A type that exists in us-east-1 but not in eu-west-1 is a finding for an eu-west-1 stack only
    (cfnlint.api.lint, given a config, linted every template against us-east-1)."""
    template = tmp_path / "regional.template.json"
    template.write_text(
        json.dumps(
            {
                "Resources": {
                    "Rule": {
                        "Type": "AWS::AccessAnalyzer::ArchiveRule",
                        "Properties": {
                            "AnalyzerName": "a",
                            "Filter": {"p": {"Eq": ["x"]}},
                            "RuleName": "r",
                        },
                    }
                }
            }
        )
    )

    def stack(region: str) -> SynthesizedStack:
        return SynthesizedStack("dev", f"dev-{region}", "dev/R", "111111111111", region, template)

    assert lint_stacks([stack("us-east-1")]) == []
    (finding,) = lint_stacks([stack("eu-west-1")])
    assert finding.startswith("dev-eu-west-1: E3006") and "eu-west-1" in finding


def per_project_stack(tmp_path, project: str, topic_property: str) -> SynthesizedStack:
    """A `Serving-<project>` stack whose topic names the project (and a CDK-style hash)."""
    template = tmp_path / f"{project}.template.json"
    properties = {topic_property: f"mlplatform-{project}-alerts", "DisplayName": f"{project}ABCDEF12"}
    template.write_text(
        json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": properties}}})
    )
    return SynthesizedStack(
        "prod", f"prod-Serving-{project}", f"prod/Serving-{project}", "333333333333", "eu-west-1", template
    )


def test_alike_project_stacks_are_linted_once_and_each_reported(tmp_path, monkeypatch):
    """Stacks equal but for their project's name are linted once; a finding names every one of them.
    A stack that differs otherwise is linted on its own (negative control for the grouping)."""
    monkeypatch.setattr(lint, "CACHE", tmp_path / "cache")
    stacks = [per_project_stack(tmp_path, p, "Nme") for p in ("churn", "fraud")]
    stacks.append(per_project_stack(tmp_path, "upsell", "TopicName"))
    findings = lint_stacks(stacks)
    # Linted in parallel, each template once: churn's for churn and fraud, upsell's for upsell.
    assert len(list((tmp_path / "cache").iterdir())) == 2
    assert [f.split(":")[0] for f in findings] == ["prod-Serving-churn", "prod-Serving-fraud"]
    assert "E3002" in findings[1] and "fraud" not in findings[0] and "churn" not in findings[1]


def test_a_template_linted_before_is_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(lint, "CACHE", tmp_path / "cache")
    stack = per_project_stack(tmp_path, "churn", "Nme")
    first = lint_stacks([stack])
    monkeypatch.setattr(lint, "lint_template", lambda *_: pytest.fail("linted again"))
    assert lint_stacks([stack]) == first and first
    other_region = SynthesizedStack(
        "prod", stack.name, stack.path, stack.account, "us-east-1", stack.template_file
    )
    with pytest.raises(pytest.fail.Exception):  # the region is part of the key
        lint_stacks([other_region])


def test_templates_linted_in_parallel_each_report_their_own_findings(tmp_path, monkeypatch):
    """Uncached templates are linted one process per core: every finding still reaches its stack."""
    monkeypatch.setattr(lint, "CACHE", tmp_path / "cache")
    broken = [per_project_stack(tmp_path, p, prop) for p, prop in (("churn", "Nme"), ("fraud", "Nam"))]
    clean = per_project_stack(tmp_path, "upsell", "TopicName")
    findings = lint_stacks([*broken, clean])
    assert [f.split(":")[0] for f in findings] == ["prod-Serving-churn", "prod-Serving-fraud"]
    assert "'Nme'" in findings[0] and "'Nam'" in findings[1]
