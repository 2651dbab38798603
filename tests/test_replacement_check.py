"""The replacement check gates every synthesis like the nag packs: a planted flaw fails it, with one
line naming the resource, the property, the parameter and the fix."""

from __future__ import annotations

import json

import jsii
import pytest
from aws_cdk import (
    Acknowledgment,
    CfnParameter,
    CfnResource,
    Environment,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    Stack,
    Stage,
    Validations,
)
from aws_cdk import aws_sagemaker as sm

from compliance.checks import add_checks
from compliance.replacement_check import FIXED_NAME, PLUGIN_NAME, UNKNOWN_TYPE
from compliance.report import unacknowledged_findings
from tooling.synth import cdk_app


def serving_stack(app) -> Stack:
    return Stack(Stage(app, "prod", env=Environment(account="333333333333", region="eu-west-1")), "Serving")


def job_with_a_fixed_name(stack: Stack) -> sm.CfnDataQualityJobDefinition:
    """The flaw that broke every promotion after the first: a fixed name, a baseline from a parameter."""
    job = sm.CfnDataQualityJobDefinition
    return job(
        stack,
        "DataQualityJob",
        job_definition_name="mlplatform-churn-data-quality",
        role_arn="arn:aws:iam::333333333333:role/mlplatform-churn-prod-model",
        data_quality_app_specification=job.DataQualityAppSpecificationProperty(image_uri="monitor:latest"),
        data_quality_baseline_config=job.DataQualityBaselineConfigProperty(
            statistics_resource=job.StatisticsResourceProperty(
                s3_uri=CfnParameter(
                    stack, "BaselineStatisticsUri", default="s3://b/stats.json"
                ).value_as_string
            )
        ),
        data_quality_job_input=job.DataQualityJobInputProperty(
            endpoint_input=job.EndpointInputProperty(endpoint_name="churn-prod", local_path="/opt/ml/input")
        ),
        data_quality_job_output_config=job.MonitoringOutputConfigProperty(
            monitoring_outputs=[
                job.MonitoringOutputProperty(
                    s3_output=job.S3OutputProperty(local_path="/opt/ml/output", s3_uri="s3://b/out")
                )
            ]
        ),
        job_resources=job.MonitoringResourcesProperty(
            cluster_config=job.ClusterConfigProperty(
                instance_count=1, instance_type="ml.m5.large", volume_size_in_gb=20
            )
        ),
    )


def ours(outdir) -> list[str]:
    return [line for line in unacknowledged_findings(outdir) if line.startswith(f"{PLUGIN_NAME}:")]


def test_a_fixed_job_definition_name_fails_synthesis(tmp_path):
    app = cdk_app(tmp_path)
    job_with_a_fixed_name(serving_stack(app))
    add_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    (line,) = ours(tmp_path)
    assert line.startswith(f"{PLUGIN_NAME}: {FIXED_NAME} at prod/Serving/DataQualityJob: ")
    for part in (
        "fixed JobDefinitionName",
        "create-only DataQualityBaselineConfig",
        "parameter BaselineStatisticsUri",
    ):
        assert part in line
    assert line.endswith(
        "; fix: let CloudFormation generate the name: do not set JobDefinitionName "
        "(refer to the resource by Ref or GetAtt)"
    )


def test_an_acknowledgment_on_the_construct_silences_it(tmp_path):
    app = cdk_app(tmp_path)
    job = job_with_a_fixed_name(serving_stack(app))
    Validations.of(job).acknowledge(Acknowledgment(id=f"{PLUGIN_NAME}::{FIXED_NAME}", reason="never updated"))
    add_checks(app)
    app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (plugin,) = [p for p in report["pluginReports"] if p["pluginName"] == PLUGIN_NAME]
    assert [v["ruleName"] for v in plugin["suppressedViolations"]] == [FIXED_NAME]
    assert ours(tmp_path) == []


def test_a_type_missing_from_the_schemas_fails_synthesis(tmp_path):
    app = cdk_app(tmp_path)
    CfnResource(serving_stack(app), "Widget", type="Acme::Widget::Thing", properties={"Size": 1})
    add_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    (line,) = ours(tmp_path)
    assert line.startswith(
        f"{PLUGIN_NAME}: {UNKNOWN_TYPE} at prod/Serving/Widget: Acme::Widget::Thing Widget: "
    )
    assert "no provider schema" in line and line.endswith("saying why an update cannot need its replacement")


@jsii.implements(IPolicyValidationPlugin)
class _Broken:
    @property
    def name(self) -> str:
        return "Broken"

    def validate(self, context) -> PolicyValidationPluginReport:
        raise ValueError("cannot read the templates")


def test_a_check_that_fails_to_run_is_a_finding_too(tmp_path):
    """CDK reports a plugin that raises as a failure without violations: `app.py` must still fail."""
    app = cdk_app(tmp_path)
    CfnResource(Stack(app, "Topic"), "Topic", type="AWS::SNS::Topic")
    Validations.of(app).add_plugins(_Broken())
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    (plugin,) = json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"]
    assert (plugin["conclusion"], plugin["violations"]) == ("failure", [])
    (line,) = unacknowledged_findings(tmp_path)
    assert line == "Broken: did not run: Validation plugin 'Broken' failed: cannot read the templates"
