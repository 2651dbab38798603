"""The model-build pipeline definition: its steps, its quality gate, and how synth fills it in."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import botocore.session
import pytest

from pipelines import definition
from pipelines.definition import PARAMETER_NAMES, PLACEHOLDERS, DefinitionError
from pipelines.scripts import evaluate, preprocess
from tooling.synth import ROOT

COMMITTED = json.loads(definition.DEFINITION_FILE.read_text(encoding="utf-8"))
STEPS = {step["Name"]: step for step in COMMITTED["Steps"]}
GATE = STEPS["QualityGate"]["Arguments"]
REGISTER = GATE["IfSteps"][0]
JOBS = ("Preprocess", "Train", "Evaluate", "Baseline", "ClarifyConfig")
VPC_PLACEHOLDERS = {"SecurityGroupIds": ["__SecurityGroupIds__"], "Subnets": ["__SubnetIds__"]}

PARAMETER_VALUES = {name: f"value-of-{name}" for name in PARAMETER_NAMES} | {"QualityThreshold": 0.75}
PLACEHOLDER_VALUES = {
    "__RoleArn__": "arn:aws:iam::111111111111:role/model-build",
    "__SubnetIds__": ["subnet-1", "subnet-2"],
    "__SecurityGroupIds__": ["sg-1"],
}


@pytest.fixture(scope="module")
def regenerated() -> tuple[str, str]:
    """Both committed files as `python -m pipelines.model_build` would write them now (offline)."""
    with warnings.catch_warnings():  # the SDK's own deprecations and PipelineSession notices
        warnings.simplefilter("ignore")
        from pipelines import model_build

        generated = model_build.definition(), model_build.container_images()
    return model_build.to_json(generated[0]), model_build.to_json(generated[1])


def get(name: str) -> dict:
    return {"Get": f"Parameters.{name}"}


def referenced_steps(node) -> set[str]:
    """Names of the steps whose properties `node` reads."""
    text = json.dumps(node)
    return set(re.findall(r'"Steps\.(\w+)\.', text))


def dependencies(step: dict) -> set[str]:
    return set(step.get("DependsOn", [])) | referenced_steps(step["Arguments"])


# --- the committed files are what the code generates ----------------------------------------------


def test_committed_definition_is_what_model_build_generates(regenerated):
    definition_json, _ = regenerated
    assert definition_json == definition.DEFINITION_FILE.read_text(encoding="utf-8"), (
        "stale pipelines/model_build.definition.json: run `python -m pipelines.model_build` and commit it"
    )


def test_committed_container_images_are_what_model_build_generates(regenerated):
    _, images_json = regenerated
    assert images_json == definition.IMAGES_FILE.read_text(encoding="utf-8"), (
        "stale platform_config/container_images.json: run `python -m pipelines.model_build` and commit it"
    )


def test_definition_module_imports_neither_the_sdk_nor_boto3():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.definition; print(*sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "pipelines.definition" in loaded
    assert not [module for module in loaded if module.split(".")[0] in ("sagemaker", "boto3", "botocore")]


# --- steps and their order -----------------------------------------------------------------------


def test_steps_run_in_order_preprocess_train_evaluate_baseline_clarify_gate():
    assert list(STEPS) == [
        "Preprocess",
        "Train",
        "Evaluate",
        "Baseline",
        "ClarifyConfig",
        "CreateModel",
        "ModelExplainability",
        "ModelBias",
        "QualityGate",
    ]
    types = [step["Type"] for step in STEPS.values()]
    assert types == [
        "Processing",
        "Training",
        "Processing",
        "QualityCheck",
        "Processing",
        "Model",
        "ClarifyCheck",
        "ClarifyCheck",
        "Condition",
    ]
    assert dependencies(STEPS["Preprocess"]) == set()
    assert dependencies(STEPS["Train"]) == {"Preprocess"}
    assert dependencies(STEPS["Evaluate"]) == {"Preprocess", "Train"}
    assert dependencies(STEPS["Baseline"]) == {"Preprocess", "Evaluate"}
    # One job at a time: each Clarify job after the one before (bias last, so it can be left out).
    assert dependencies(STEPS["ClarifyConfig"]) == {"Preprocess", "Baseline"}
    assert dependencies(STEPS["CreateModel"]) == {"Train"}
    assert dependencies(STEPS["ModelExplainability"]) == {"ClarifyConfig", "CreateModel", "Preprocess"}
    assert dependencies(STEPS["ModelBias"]) == {
        "ModelExplainability",
        "ClarifyConfig",
        "CreateModel",
        "Preprocess",
    }
    assert dependencies(STEPS["QualityGate"]) >= {"Baseline", "Evaluate", "ModelExplainability", "ModelBias"}


def test_the_gate_registers_or_fails():
    assert [(step["Name"], step["Type"]) for step in GATE["IfSteps"]] == [("Register", "RegisterModel")]
    assert [(step["Name"], step["Type"]) for step in GATE["ElseSteps"]] == [("QualityBelowThreshold", "Fail")]
    # Preprocess: the model card names the training and test data by their S3 URIs.
    assert referenced_steps(REGISTER) == {
        "Preprocess",
        "Train",
        "Evaluate",
        "Baseline",
        "ClarifyConfig",
        "ModelBias",
        "ModelExplainability",
    }


def test_gate_compares_quality_value_of_the_evaluation_report_with_the_threshold():
    (condition,) = GATE["Conditions"]
    assert condition["Type"] == "GreaterThanOrEqualTo"
    report = {"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"}
    assert condition["LeftValue"] == {"Std:JsonGet": {"Path": "quality.value", "PropertyFile": report}}
    assert condition["RightValue"] == get("QualityThreshold")
    assert STEPS["Evaluate"]["PropertyFiles"] == [
        {"FilePath": "evaluation.json", "OutputName": "evaluation", "PropertyFileName": "EvaluationReport"}
    ]
    assert STEPS["Evaluate"]["Arguments"]["AppSpecification"]["ContainerArguments"] == [
        "--quality-metric",
        get("QualityMetric"),
        "--quality-threshold",
        get("QualityThreshold"),
    ]


def test_failure_message_names_the_metric_and_the_threshold():
    (fail,) = GATE["ElseSteps"]
    words = fail["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]
    assert get("QualityMetric") in words
    assert get("QualityThreshold") in words


def test_register_awaits_manual_approval_in_the_projects_model_package_group():
    arguments = REGISTER["Arguments"]
    assert arguments["ModelApprovalStatus"] == "PendingManualApproval"
    assert arguments["ModelPackageGroupName"] == get("ModelPackageGroupName")
    (container,) = arguments["InferenceSpecification"]["Containers"]
    assert container["Image"] == get("TrainingImageUri")
    assert container["ModelDataUrl"] == {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
    assert arguments["InferenceSpecification"]["SupportedRealtimeInferenceInstanceTypes"] == [
        get("InferenceInstanceType")
    ]


def test_register_attaches_model_metrics_and_drift_check_baselines():
    metrics = REGISTER["Arguments"]["ModelMetrics"]
    assert metrics["ModelQuality"]["Statistics"]["S3Uri"]["Std:Join"]["Values"] == [
        {"Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri"},
        "evaluation.json",
    ]
    data_quality = metrics["ModelDataQuality"]
    assert data_quality["Statistics"]["S3Uri"] == {"Get": "Steps.Baseline.CalculatedBaselineStatistics"}
    assert data_quality["Constraints"]["S3Uri"] == {"Get": "Steps.Baseline.CalculatedBaselineConstraints"}
    drift = REGISTER["Arguments"]["DriftCheckBaselines"]["ModelDataQuality"]
    assert drift["Statistics"]["S3Uri"] == {"Get": "Steps.Baseline.BaselineUsedForDriftCheckStatistics"}
    assert drift["Constraints"]["S3Uri"] == {"Get": "Steps.Baseline.BaselineUsedForDriftCheckConstraints"}


def test_register_attaches_model_quality_bias_and_explainability_reports_and_baselines():
    """What Resolve passes to prod's monitors (ml_constructs/promotion_pipeline/steps/registered_checks.py)."""
    metrics, drift = (REGISTER["Arguments"][key] for key in ("ModelMetrics", "DriftCheckBaselines"))
    constraints = [
        {"Get": "Steps.Evaluate.ProcessingOutputConfig.Outputs['model-quality-baseline'].S3Output.S3Uri"},
        "constraints.json",
    ]
    assert metrics["ModelQuality"]["Constraints"]["S3Uri"]["Std:Join"]["Values"] == constraints
    assert drift["ModelQuality"]["Constraints"]["S3Uri"]["Std:Join"]["Values"] == constraints
    assert metrics["Bias"]["PostTrainingReport"]["S3Uri"] == {
        "Get": "Steps.ModelBias.CalculatedBaselineConstraints"
    }
    assert metrics["Explainability"]["Report"]["S3Uri"] == {
        "Get": "Steps.ModelExplainability.CalculatedBaselineConstraints"
    }
    assert drift["Bias"]["PostTrainingConstraints"]["S3Uri"] == {
        "Get": "Steps.ModelBias.BaselineUsedForDriftCheckConstraints"
    }
    assert drift["Explainability"]["Constraints"]["S3Uri"] == {
        "Get": "Steps.ModelExplainability.BaselineUsedForDriftCheckConstraints"
    }
    for kind, check in (("bias", "Bias"), ("explainability", "Explainability")):
        assert drift[check]["ConfigFile"]["S3Uri"]["Std:Join"]["Values"] == [
            {"Get": f"Steps.ClarifyConfig.ProcessingOutputConfig.Outputs['{kind}'].S3Output.S3Uri"},
            "monitoring_config.json",
        ]


@pytest.mark.parametrize(("step", "kind"), [("ModelBias", "bias"), ("ModelExplainability", "explainability")])
def test_clarify_checks_read_clarify_configs_analysis_and_the_test_split(step, kind):
    check = STEPS[step]
    assert (
        check["CheckType"] == {"ModelBias": "MODEL_BIAS", "ModelExplainability": "MODEL_EXPLAINABILITY"}[step]
    )
    assert (check["SkipCheck"], check["RegisterNewBaseline"]) == (True, True)
    assert check["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    arguments = check["Arguments"]
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in arguments["ProcessingInputs"]}
    assert inputs == {
        "analysis_config": {
            "Std:Join": {
                "On": "/",
                "Values": [
                    {"Get": f"Steps.ClarifyConfig.ProcessingOutputConfig.Outputs['{kind}'].S3Output.S3Uri"},
                    "analysis_config.json",
                ],
            }
        },
        "dataset": {"Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"},
    }
    assert arguments["AppSpecification"]["ImageUri"] == get("ClarifyImageUri")
    (output,) = arguments["ProcessingOutputConfig"]["Outputs"]
    assert output["S3Output"]["S3Uri"]["Std:Join"]["Values"][2:] == [f"model-{kind}", "report"]
    # In the VPC, encrypted, but not isolated: AWS requires that of Clarify jobs (clarify-vpc.html).
    network = arguments["NetworkConfig"]
    assert network["VpcConfig"] == VPC_PLACEHOLDERS
    assert (network["EnableNetworkIsolation"], network["EnableInterContainerTrafficEncryption"]) == (
        False,
        True,
    )
    assert arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == get("DataKmsKeyArn")
    assert arguments["ProcessingOutputConfig"]["KmsKeyId"] == get("ArtifactsKmsKeyArn")


def test_clarify_config_gets_the_projects_label_and_sensitive_attributes():
    arguments = STEPS["ClarifyConfig"]["Arguments"]
    assert arguments["AppSpecification"]["ContainerArguments"] == [
        "--label-column",
        get("LabelColumn"),
        "--sensitive-attributes",
        get("SensitiveAttributes"),
        "--instance-type",
        get("InferenceInstanceType"),
    ]
    outputs = {
        o["OutputName"]: o["S3Output"]["S3Uri"]["Std:Join"]["Values"][2:]
        for o in arguments["ProcessingOutputConfig"]["Outputs"]
    }
    assert outputs == {"bias": ["model-bias", "config"], "explainability": ["model-explainability", "config"]}


def test_clarifys_model_is_isolated_in_the_vpc():
    model = STEPS["CreateModel"]["Arguments"]
    assert model["EnableNetworkIsolation"] is True
    assert model["VpcConfig"] == VPC_PLACEHOLDERS
    assert model["ExecutionRoleArn"] == "__RoleArn__"


def test_baseline_is_a_data_quality_check_of_the_preprocessed_baseline_dataset():
    baseline = STEPS["Baseline"]
    assert baseline["CheckType"] == "DATA_QUALITY"
    assert (baseline["SkipCheck"], baseline["RegisterNewBaseline"]) == (True, True)
    (dataset,) = baseline["Arguments"]["ProcessingInputs"]
    assert dataset["S3Input"]["S3Uri"] == {
        "Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['baseline'].S3Output.S3Uri"
    }
    assert json.loads(baseline["Arguments"]["Environment"]["dataset_format"]) == {
        "csv": {"header": True, "output_columns_position": "START"}
    }


# --- one definition for every project and deployment ---------------------------------------------


def test_parameters_are_the_agreed_names_with_no_deployment_defaults():
    from_json = [(parameter["Name"], parameter["Type"]) for parameter in COMMITTED["Parameters"]]
    assert from_json == [
        (name, "Float" if name == "QualityThreshold" else "String") for name in PARAMETER_NAMES
    ]
    assert not [parameter for parameter in COMMITTED["Parameters"] if "DefaultValue" in parameter]


def test_quality_metric_is_one_evaluate_reports(example_config):
    (quality_metric,) = [p for p in COMMITTED["Parameters"] if p["Name"] == "QualityMetric"]
    assert quality_metric["EnumValues"] == list(evaluate.METRIC_NAMES)
    assert example_config.projects[0].quality_threshold.name in quality_metric["EnumValues"]


def test_nothing_deployment_specific_is_written_in():
    text = definition.DEFINITION_FILE.read_text(encoding="utf-8")
    regions = botocore.session.get_session().get_available_regions("sagemaker")
    assert not [region for region in regions if region in text]
    assert not re.search(r"\d{12}", text)  # account ids
    assert "amazonaws.com" not in text
    assert "s3://" not in text
    assert "sdk-default-bucket" not in text
    assert set(re.findall(r"__\w+?__", text)) == set(PLACEHOLDERS)


def test_jobs_take_images_and_code_from_parameters():
    images = {
        "Preprocess": STEPS["Preprocess"]["Arguments"]["AppSpecification"]["ImageUri"],
        "Train": STEPS["Train"]["Arguments"]["AlgorithmSpecification"]["TrainingImage"],
        "Evaluate": STEPS["Evaluate"]["Arguments"]["AppSpecification"]["ImageUri"],
        "Baseline": STEPS["Baseline"]["Arguments"]["AppSpecification"]["ImageUri"],
        "ClarifyConfig": STEPS["ClarifyConfig"]["Arguments"]["AppSpecification"]["ImageUri"],
    }
    assert images == {
        "ClarifyConfig": get("ProcessingImageUri"),
        "Preprocess": get("ProcessingImageUri"),
        "Train": get("TrainingImageUri"),
        "Evaluate": get("TrainingImageUri"),
        "Baseline": get("MonitorImageUri"),
    }
    scripts = Path(definition.__file__).parent / "scripts"
    for name in ("Preprocess", "Evaluate", "ClarifyConfig"):
        arguments = STEPS[name]["Arguments"]
        code = next(item for item in arguments["ProcessingInputs"] if item["InputName"] == "code")
        assert code["S3Input"]["S3Uri"] == get("CodeUri")
        _, script = arguments["AppSpecification"]["ContainerEntrypoint"]
        assert script.startswith(code["S3Input"]["LocalPath"] + "/")
        assert (scripts / Path(script).name).is_file()


def test_preprocess_reads_the_projects_data_and_pii_columns():
    arguments = STEPS["Preprocess"]["Arguments"]
    raw = next(item for item in arguments["ProcessingInputs"] if item["InputName"] == "raw")
    assert raw["S3Input"]["S3Uri"] == get("InputDataUri")
    assert arguments["AppSpecification"]["ContainerArguments"] == ["--pii-columns", get("PiiColumns")]


def test_preprocess_downloads_exactly_the_files_of_the_feedback_manifest():
    """Prod's captures and labels of the run's window: a manifest, so no listing of every capture."""
    arguments = STEPS["Preprocess"]["Arguments"]
    feedback = next(item for item in arguments["ProcessingInputs"] if item["InputName"] == "feedback")
    assert feedback["S3Input"]["S3Uri"] == get("FeedbackManifestUri")
    assert feedback["S3Input"]["S3DataType"] == "ManifestFile"
    assert feedback["S3Input"]["LocalPath"] == str(preprocess.parse_args([]).feedback_dir)


def test_every_job_runs_as_the_role_in_the_vpc_isolated_and_encrypted():
    for name in JOBS:
        arguments = STEPS[name]["Arguments"]
        assert arguments["RoleArn"] == "__RoleArn__", name
        network = arguments if name == "Train" else arguments["NetworkConfig"]
        assert network["VpcConfig"] == VPC_PLACEHOLDERS, name
        assert network["EnableNetworkIsolation"] is True, name
        assert network["EnableInterContainerTrafficEncryption"] is True, name
        if name == "Train":
            output_key, volume_key = (
                arguments["OutputDataConfig"]["KmsKeyId"],
                arguments["ResourceConfig"]["VolumeKmsKeyId"],
            )
        else:
            output_key = arguments["ProcessingOutputConfig"]["KmsKeyId"]
            volume_key = arguments["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"]
        assert volume_key == get("DataKmsKeyArn"), name  # volumes hold data
        # Outputs take the key of the bucket they land in: data stays under the data key.
        assert output_key == get("DataKmsKeyArn" if name == "Preprocess" else "ArtifactsKmsKeyArn"), name


def _outputs() -> dict[str, list]:
    outputs = {
        output["OutputName"]: output["S3Output"]["S3Uri"]["Std:Join"]["Values"]
        for name in JOBS
        if name != "Train"
        for output in STEPS[name]["Arguments"]["ProcessingOutputConfig"]["Outputs"]
    }
    outputs["model"] = STEPS["Train"]["Arguments"]["OutputDataConfig"]["S3OutputPath"]["Std:Join"]["Values"]
    return outputs


def test_training_data_lands_in_the_processed_data_bucket_and_only_results_in_artifacts():
    """The artifacts bucket is shared read-only with test and prod: the PII-dropped splits stay in dev."""
    outputs = _outputs()
    execution = {"Get": "Execution.PipelineExecutionId"}
    splits = {"train", "validation", "test", "baseline"}
    for name, values in outputs.items():
        prefix = get("ProcessedDataUri") if name in splits else get("ArtifactsUri")
        assert values[:2] == [prefix, execution], name
    known = splits | {"evaluation", "model", "model-quality-baseline", "bias", "explainability"}
    data_quality = next(n for n in outputs if n not in known)
    assert {name: values[2] for name, values in outputs.items() if name not in splits} == {
        "evaluation": "evaluation",
        "model-quality-baseline": "model-quality-baseline",
        data_quality: "data-quality-baseline",
        "model": "model",
        "bias": "model-bias",
        "explainability": "model-explainability",
    }
    assert len(outputs) == 10
    # What test and prod may read of them (naming.SERVED_OUTPUTS) holds no split, code or evaluation.
    from platform_config.naming import SERVED_OUTPUTS

    served = {values[2] for name, values in outputs.items()} & set(SERVED_OUTPUTS)
    assert served == set(SERVED_OUTPUTS)


# --- render: what synth does with it --------------------------------------------------------------


def test_render_sets_every_parameters_default():
    rendered = definition.render(parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES)
    assert {p["Name"]: p["DefaultValue"] for p in rendered["Parameters"]} == PARAMETER_VALUES


def test_render_substitutes_placeholders_strings_and_lists():
    rendered = definition.render(parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES)
    steps = {step["Name"]: step for step in rendered["Steps"]}
    for name in JOBS:
        arguments = steps[name]["Arguments"]
        assert arguments["RoleArn"] == PLACEHOLDER_VALUES["__RoleArn__"]
        vpc = (arguments if name == "Train" else arguments["NetworkConfig"])["VpcConfig"]
        assert vpc == {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1", "subnet-2"]}
    assert "__" not in json.dumps(rendered)


def test_render_passes_opaque_values_through_untouched():
    role, subnets, threshold = object(), object(), object()
    rendered = definition.render(
        parameters=PARAMETER_VALUES | {"QualityThreshold": threshold},
        placeholders=PLACEHOLDER_VALUES | {"__RoleArn__": role, "__SubnetIds__": [subnets]},
    )
    steps = {step["Name"]: step for step in rendered["Steps"]}
    assert steps["Train"]["Arguments"]["RoleArn"] is role
    assert steps["Train"]["Arguments"]["VpcConfig"]["Subnets"][0] is subnets
    assert rendered["Parameters"][PARAMETER_NAMES.index("QualityThreshold")]["DefaultValue"] is threshold


def test_render_leaves_the_committed_definition_alone():
    first = definition.render(parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES)
    again = definition.render(
        parameters=PARAMETER_VALUES | {"CodeUri": "s3://other"},
        placeholders=PLACEHOLDER_VALUES | {"__RoleArn__": "other-role"},
    )
    code_uri = PARAMETER_NAMES.index("CodeUri")
    assert [first["Parameters"][code_uri]["DefaultValue"], again["Parameters"][code_uri]["DefaultValue"]] == [
        PARAMETER_VALUES["CodeUri"],
        "s3://other",
    ]
    assert [rendered["Steps"][1]["Arguments"]["RoleArn"] for rendered in (first, again)] == [
        PLACEHOLDER_VALUES["__RoleArn__"],
        "other-role",
    ]


@pytest.mark.parametrize(
    ("parameters", "placeholders", "message"),
    [
        pytest.param(
            PARAMETER_VALUES | {"InputDataURI": "s3://x"},
            PLACEHOLDER_VALUES,
            "unknown parameter(s) InputDataURI",
            id="unknown parameter",
        ),
        pytest.param(
            {name: value for name, value in PARAMETER_VALUES.items() if name != "DataKmsKeyArn"},
            PLACEHOLDER_VALUES,
            "no value for parameter(s) DataKmsKeyArn",
            id="missing parameter",
        ),
        pytest.param(
            PARAMETER_VALUES,
            PLACEHOLDER_VALUES | {"__VpcId__": "vpc-1"},
            "unknown placeholder(s) __VpcId__",
            id="unknown placeholder",
        ),
        pytest.param(
            PARAMETER_VALUES,
            {"__RoleArn__": "arn"},
            "no value for placeholder(s) __SecurityGroupIds__, __SubnetIds__",
            id="missing placeholders",
        ),
    ],
)
def test_render_refuses_unknown_and_missing_names(parameters, placeholders, message):
    with pytest.raises(KeyError) as refused:
        definition.render(parameters=parameters, placeholders=placeholders)
    assert isinstance(refused.value, DefinitionError)
    assert str(refused.value).startswith(message)


def test_render_without_the_bias_step_leaves_no_trace_of_it():
    """A project without sensitive attributes: no bias job, nothing of it registered, nothing waits for it."""
    rendered = definition.render(
        parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES, without=("ModelBias",)
    )
    steps = {step["Name"]: step for step in rendered["Steps"]}
    assert "ModelBias" not in steps
    assert "ModelBias" not in json.dumps(rendered)
    register = steps["QualityGate"]["Arguments"]["IfSteps"][0]["Arguments"]
    assert "Bias" not in register["ModelMetrics"] and "Bias" not in register["DriftCheckBaselines"]
    assert "Explainability" in register["DriftCheckBaselines"]  # explainability needs no sensitive attribute
    assert steps["QualityGate"]["DependsOn"] == ["Baseline", "ModelExplainability"]


def test_render_refuses_to_drop_an_unknown_step_or_one_still_referenced(tmp_path, monkeypatch):
    """Negative controls: a typo, and a reference outside the registration that pruning would break."""
    with pytest.raises(DefinitionError, match="no step 'ModelBiass'"):
        definition.render(
            parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES, without=("ModelBiass",)
        )
    referenced = json.loads(json.dumps(COMMITTED))
    referenced["Steps"][0]["Arguments"]["Environment"] = {
        "X": {"Get": "Steps.ModelBias.CalculatedBaselineConstraints"}
    }
    stale = tmp_path / "definition.json"
    stale.write_text(json.dumps(referenced))
    monkeypatch.setattr(definition, "DEFINITION_FILE", stale)
    with pytest.raises(DefinitionError, match="'ModelBias' is still referenced"):
        definition.render(
            parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES, without=("ModelBias",)
        )


def test_render_refuses_a_placeholder_it_has_no_value_for(tmp_path, monkeypatch):
    stale = tmp_path / "definition.json"
    stale.write_text(json.dumps(COMMITTED | {"Metadata": {"Owner": "__TeamName__"}}))
    monkeypatch.setattr(definition, "DEFINITION_FILE", stale)
    with pytest.raises(DefinitionError, match="placeholder left in the definition: '__TeamName__'"):
        definition.render(parameters=PARAMETER_VALUES, placeholders=PLACEHOLDER_VALUES)


# --- container images -----------------------------------------------------------------------------


def test_container_images_per_region(example_config):
    images = definition.container_images("eu-west-1")
    assert sorted(images) == ["ClarifyImageUri", "MonitorImageUri", "ProcessingImageUri", "TrainingImageUri"]
    assert "sagemaker-clarify-processing" in images["ClarifyImageUri"]
    assert all(".dkr.ecr.eu-west-1.amazonaws.com/" in uri for uri in images.values())
    assert "sagemaker-scikit-learn" in images["ProcessingImageUri"]
    assert "sagemaker-xgboost" in images["TrainingImageUri"]
    assert "sagemaker-model-monitor-analyzer" in images["MonitorImageUri"]
    for account in (example_config.accounts.dev, example_config.accounts.test, example_config.accounts.prod):
        assert definition.container_images(account.region)


def test_container_images_cover_only_sagemaker_regions():
    covered = json.loads(definition.IMAGES_FILE.read_text(encoding="utf-8"))
    assert set(covered) <= set(botocore.session.get_session().get_available_regions("sagemaker"))
    assert len(covered) >= 20


def test_container_images_refuse_an_unknown_region():
    with pytest.raises(DefinitionError, match="no container images for region 'mars-north-1'"):
        definition.container_images("mars-north-1")
