"""The dev account's model-build pipelines, as deployed: one per project, its role, code and data."""

from __future__ import annotations

import json

import pytest

from compliance.iam.evaluate import Outcome
from pipelines.definition import DEFINITION_FILE


@pytest.fixture(scope="module")
def model_build(synthesized) -> dict:
    return synthesized["dev/ModelBuild-churn"].template


def _pipelines(template: dict) -> dict[str, dict]:
    return {
        r["Properties"]["PipelineName"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SageMaker::Pipeline"
    }


def _definition(properties: dict) -> dict:
    """The pipeline definition JSON, with CloudFormation references shown as "<ref>"."""
    body = properties["PipelineDefinition"]["PipelineDefinitionBody"]
    parts = body["Fn::Join"][1] if isinstance(body, dict) else [body]
    return json.loads("".join(part if isinstance(part, str) else "<ref>" for part in parts))


def test_one_pipeline_per_project_running_as_its_role(model_build, example_config):
    pipelines = _pipelines(model_build)
    assert sorted(pipelines) == [f"mlplatform-{p.name}-model-build" for p in example_config.projects]
    role = pipelines["mlplatform-churn-model-build"]["RoleArn"]["Fn::GetAtt"][0]
    assert model_build["Resources"][role]["Properties"]["RoleName"] == "mlplatform-churn-model-build"


def test_pipeline_steps_run_in_order_and_register_pending_approval(model_build):
    """The deployed steps are the committed definition's, in its order (which
    test_pipeline_definition.py states)."""
    definition = _definition(_pipelines(model_build)["mlplatform-churn-model-build"])
    steps = {step["Name"]: step for step in definition["Steps"]}
    committed = json.loads(DEFINITION_FILE.read_text(encoding="utf-8"))
    assert list(steps) == [step["Name"] for step in committed["Steps"]]
    gate = steps["QualityGate"]["Arguments"]
    registered = [s for s in gate["IfSteps"] if s["Type"] == "RegisterModel"]
    assert registered and registered[0]["Arguments"]["ModelApprovalStatus"] == "PendingManualApproval"
    assert [s["Type"] for s in gate["ElseSteps"]] == ["Fail"]


def test_project_settings_become_the_pipeline_defaults(model_build, example_config):
    project = example_config.projects[0]
    defaults = {
        p["Name"]: p["DefaultValue"]
        for p in _definition(_pipelines(model_build)["mlplatform-churn-model-build"])["Parameters"]
    }
    assert defaults["PiiColumns"] == "customer_name,email,phone"
    assert defaults["QualityMetric"] == project.quality_threshold.name
    assert defaults["QualityThreshold"] == project.quality_threshold.minimum
    assert defaults["ModelPackageGroupName"] == "mlplatform-churn"
    assert defaults["InputDataUri"] == "s3://mlplatform-raw-data-111111111111/churn/input"
    assert defaults["CodeUri"] == "s3://mlplatform-model-artifacts-111111111111/churn/code"
    assert defaults["ProcessedDataUri"] == "s3://mlplatform-processed-data-111111111111/churn/model-build"
    assert defaults["ArtifactsUri"] == "s3://mlplatform-model-artifacts-111111111111/churn/model-build"
    assert (
        defaults["DataKmsKeyArn"] == defaults["ArtifactsKmsKeyArn"] == "<ref>"
    )  # the data and artifacts keys
    assert defaults["TrainingImageUri"].endswith(".amazonaws.com/sagemaker-xgboost:1.7-1")
    assert defaults["ClarifyImageUri"].endswith(".amazonaws.com/sagemaker-clarify-processing:1.0")
    # Clarify's label and facets: the example's `churned`, and `is_senior` = 1 as the sensitive group.
    assert (defaults["LabelColumn"], defaults["SensitiveAttributes"]) == ("churned", "is_senior=1")
    # a run the retraining loop did not start finds no fresh data from prod
    assert defaults["FeedbackManifestUri"] == (
        "s3://mlplatform-prod-feedback-111111111111/manifests/churn/no-fresh-data.manifest"
    )


def test_a_project_without_sensitive_attributes_builds_without_the_bias_check(tmp_path, example_config):
    """Skipped, not silently: the pipeline has no bias step and nothing of it is registered, and the
    ClarifyConfig job's log says the bias check is skipped (test_pipeline_scripts.py)."""
    from tooling.synth import synthesize_studio

    project = example_config.projects[0].model_copy(update={"sensitive_attributes": ()})
    stacks = synthesize_studio(example_config, tmp_path, [project])
    stack = next(s for s in stacks if s.name == "dev-ModelBuild-churn").template
    definition = _definition(_pipelines(stack)["mlplatform-churn-model-build"])
    assert "ModelBias" not in [s["Name"] for s in definition["Steps"]]
    assert "ModelExplainability" in [s["Name"] for s in definition["Steps"]]
    defaults = {p["Name"]: p["DefaultValue"] for p in definition["Parameters"]}
    assert defaults["SensitiveAttributes"] == ""


def test_the_default_feedback_manifest_lists_only_itself(example_outdir):
    """Uploaded on deploy (so the Preprocess input always exists); no `.jsonl`, so no fresh rows."""
    (manifest,) = example_outdir.glob("asset.*/no-fresh-data.manifest")
    assert json.loads(manifest.read_text()) == [
        {"prefix": "s3://mlplatform-prod-feedback-111111111111/manifests/churn/"},
        "no-fresh-data.manifest",
    ]


def test_jobs_run_in_the_vpc_with_network_isolation(model_build):
    definition = _definition(_pipelines(model_build)["mlplatform-churn-model-build"])
    for step in definition["Steps"][:4]:
        network = step["Arguments"].get("NetworkConfig") or {
            "EnableNetworkIsolation": step["Arguments"].get("EnableNetworkIsolation"),
            "VpcConfig": step["Arguments"].get("VpcConfig"),
        }
        vpc = network.get("VpcConfig")
        assert vpc and vpc["Subnets"] == ["<ref>", "<ref>"] and vpc["SecurityGroupIds"] == ["<ref>"], step[
            "Name"
        ]


def test_the_pipeline_role_registers_pending_versions_and_cannot_approve_them(
    model_build, iam_model, platform
):
    role = next(
        k for k, r in model_build["Resources"].items() if r["Type"] == "AWS::IAM::Role" and "Role" in k
    )
    (guard,) = model_build["Resources"][role]["Properties"]["ManagedPolicyArns"]
    assert guard["Fn::GetStackOutput"]["StackName"] == "dev-Studio"
    assert "ApprovalGuard" in guard["Fn::GetStackOutput"]["OutputName"]
    principal = iam_model.role("mlplatform-churn-model-build").principal
    package = platform.sagemaker("model-package/mlplatform-churn/4")

    def decide(action: str, status: str) -> Outcome:
        return iam_model.decide(principal, action, package, {"sagemaker:ModelApprovalStatus": status}).outcome

    assert (
        decide("sagemaker:UpdateModelPackage", "Approved") is Outcome.EXPLICIT_DENY
    )  # the guard, across stacks
    assert decide("sagemaker:CreateModelPackage", "Approved") is Outcome.EXPLICIT_DENY
    assert decide("sagemaker:CreateModelPackage", "PendingManualApproval") is Outcome.ALLOW


def test_scripts_and_sample_data_are_uploaded_on_deploy(model_build):
    uploads = sorted(
        r["Properties"]["DestinationBucketKeyPrefix"]
        for r in model_build["Resources"].values()
        if r["Type"] == "Custom::CDKBucketDeployment"
    )
    # and the default manifest of prod's fresh data: none (pipelines/model_build.py, FeedbackManifestUri)
    assert uploads == ["churn/code/", "churn/input/", "manifests/churn/"]


def test_the_pipeline_records_the_version_of_its_code_for_lineage(model_build):
    from pipelines.definition import code_version

    tags = {t["Key"]: t["Value"] for t in _pipelines(model_build)["mlplatform-churn-model-build"]["Tags"]}
    assert tags["code-version"] == code_version()
    assert tags["code-version"].startswith("sha256:") and len(tags["code-version"]) == 23


def test_clarify_may_create_only_isolated_models_and_only_its_own_shadow_endpoints(iam_model, platform):
    """The pipeline names the model (so any name), but never one with network access; Clarify's shadow
    endpoints only under its prefix, so the role cannot touch the platform's own endpoints."""
    principal = iam_model.role("mlplatform-churn-model-build").principal
    model = platform.sagemaker("model/pipelines-x-CreateModel-1")

    def allowed(action: str, resource: str, **context: str) -> bool:
        return iam_model.decide(principal, action, resource, context).allowed

    assert allowed("sagemaker:CreateModel", model, **{"sagemaker:NetworkIsolation": "true"})
    assert not allowed("sagemaker:CreateModel", model, **{"sagemaker:NetworkIsolation": "false"})
    assert not allowed("sagemaker:CreateModel", model)
    assert allowed("sagemaker:CreateEndpoint", platform.sagemaker("endpoint/sagemaker-clarify-endpoint-1"))
    assert allowed("sagemaker:DeleteEndpoint", platform.sagemaker("endpoint/sagemaker-clarify-endpoint-1"))
    for endpoint in ("mlplatform-churn-dev", "mlplatform-churn-prod"):
        assert not allowed("sagemaker:DeleteEndpoint", platform.sagemaker(f"endpoint/{endpoint}")), endpoint
        assert not allowed("sagemaker:InvokeEndpoint", platform.sagemaker(f"endpoint/{endpoint}")), endpoint
