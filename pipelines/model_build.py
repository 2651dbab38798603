"""The model-build pipeline every project runs: from raw data to a model package awaiting approval.

    preprocess ─► train ─► evaluate ─► baseline ─► quality gate ─┬─► register (PendingManualApproval)
                                                                 └─► fail

- Preprocess (scikit-learn container, `scripts/preprocess.py`): drop the project's PII columns,
  encode, append prod's labelled captures of the run's window (FeedbackManifestUri,
  `scripts/feedback.py`), split into train/validation/test, and write the Model Monitor baseline dataset, all into
  the processed-data bucket under the data key: training data never leaves dev, while the
  model-artifacts bucket (shared read-only with test and prod) gets only the model, its metrics
  and its baselines.
- Train: the built-in XGBoost algorithm, binary:logistic.
- Evaluate (XGBoost container, `scripts/evaluate.py`): test-set metrics into `evaluation.json`.
- Baseline: Model Monitor's data-quality statistics and constraints of the training data, which
  production monitoring of the registered model compares live traffic with.
- Quality gate: `quality.value` of `evaluation.json` >= `QualityThreshold`, then register the
  model package with its metrics and baselines attached, or fail naming metric and threshold.

One definition serves every project and deployment: what differs is a pipeline parameter (the CDK
stack sets each project's defaults) or a `__Placeholder__` the stack substitutes with
`pipelines.definition.render`. `python -m pipelines.model_build` regenerates the committed
`model_build.definition.json` and `platform_config/container_images.json`, offline and byte for byte.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

# First: the SDK reads the environment this module prepares when it is imported.
from pipelines.offline_sdk import pipeline_session  # isort: split

import botocore.session
from sagemaker.core import image_uris
from sagemaker.core.drift_check_baselines import DriftCheckBaselines
from sagemaker.core.metadata_properties import MetadataProperties
from sagemaker.core.model_metrics import FileSource, MetricsSource, ModelMetrics
from sagemaker.core.model_monitor.dataset_format import DatasetFormat
from sagemaker.core.network import NetworkConfig
from sagemaker.core.processing import Processor
from sagemaker.core.shapes import (
    ModelPackageModelCard,
    ProcessingInput,
    ProcessingOutput,
    ProcessingS3Input,
    ProcessingS3Output,
)
from sagemaker.core.training.configs import Compute, InputData, Networking, OutputDataConfig
from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.core.workflow.execution_variables import ExecutionVariables
from sagemaker.core.workflow.functions import Join, JsonGet
from sagemaker.core.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.core.workflow.properties import PropertyFile
from sagemaker.mlops.workflow import (
    CheckJobConfig,
    ConditionStep,
    FailStep,
    ModelStep,
    Pipeline,
    ProcessingStep,
    QualityCheckStep,
    TrainingStep,
)
from sagemaker.mlops.workflow.quality_check_step import DataQualityCheckConfig
from sagemaker.serve.model_builder import ModelBuilder
from sagemaker.train.model_trainer import ModelTrainer

from pipelines import clarify
from pipelines import model_card as model_cards
from pipelines.scripts.evaluate import METRIC_NAMES
from platform_config.regions import CONTAINER_IMAGES_FILE

HERE = Path(__file__).parent
DEFINITION_FILE = HERE / "model_build.definition.json"
IMAGES_FILE = CONTAINER_IMAGES_FILE  # read by config validation too: the regions the jobs can run in

# Container versions: the SDK's image data gives each one's URI per region (container_images.json).
SKLEARN_VERSION = "1.2-1"
XGBOOST_VERSION = "1.7-1"

# Values a pipeline parameter cannot hold. The SDK insists on a role ARN, so it gets one that
# `definition()` turns into the placeholder; subnets and security groups are plain placeholders.
ROLE_ARN_PLACEHOLDER = "__RoleArn__"
_ROLE_ARN_STAND_IN = "arn:aws:iam::000000000000:role/__RoleArn__"
SUBNET_IDS = ["__SubnetIds__"]
SECURITY_GROUP_IDS = ["__SecurityGroupIds__"]

# Where the jobs find their inputs and leave their outputs, inside the containers.
CODE_DIR = "/opt/ml/processing/input/code"
PROCESSING = "/opt/ml/processing"

# Parameters: the CDK stack sets each project's defaults; an execution may override any of them.
input_data_uri = ParameterString("InputDataUri")
processed_data_uri = ParameterString("ProcessedDataUri")
artifacts_uri = ParameterString("ArtifactsUri")
code_uri = ParameterString("CodeUri")
pii_columns = ParameterString("PiiColumns")
model_package_group_name = ParameterString("ModelPackageGroupName")
quality_metric = ParameterString("QualityMetric", enum_values=list(METRIC_NAMES))  # what evaluate.py reports
quality_threshold = ParameterFloat("QualityThreshold")
processing_instance_type = ParameterString("ProcessingInstanceType")
training_instance_type = ParameterString("TrainingInstanceType")
inference_instance_type = ParameterString("InferenceInstanceType")
processing_image_uri = ParameterString("ProcessingImageUri")
training_image_uri = ParameterString("TrainingImageUri")
monitor_image_uri = ParameterString("MonitorImageUri")
data_kms_key_arn = ParameterString("DataKmsKeyArn")  # raw and processed data, job volumes
artifacts_kms_key_arn = ParameterString("ArtifactsKmsKeyArn")  # models, metrics, baselines
# A manifest of prod's captures and labels for this run (the retraining loop writes one per run).
feedback_manifest_uri = ParameterString("FeedbackManifestUri")

PARAMETERS = [
    input_data_uri,
    processed_data_uri,
    artifacts_uri,
    code_uri,
    pii_columns,
    model_package_group_name,
    quality_metric,
    quality_threshold,
    processing_instance_type,
    training_instance_type,
    inference_instance_type,
    processing_image_uri,
    training_image_uri,
    monitor_image_uri,
    data_kms_key_arn,
    artifacts_kms_key_arn,
    *clarify.PARAMETERS,
    feedback_manifest_uri,
    *model_cards.PARAMETERS,
]


def artifacts(*parts: str) -> Join:
    """An S3 URI under this execution's own prefix of ArtifactsUri (shared with test and prod)."""
    return Join(on="/", values=[artifacts_uri, ExecutionVariables.PIPELINE_EXECUTION_ID, *parts])


def processed(*parts: str) -> Join:
    """An S3 URI under this execution's own prefix of ProcessedDataUri (never leaves dev)."""
    return Join(on="/", values=[processed_data_uri, ExecutionVariables.PIPELINE_EXECUTION_ID, *parts])


def s3_input(name: str, s3_uri, local_path: str) -> ProcessingInput:
    return ProcessingInput(
        input_name=name,
        s3_input=ProcessingS3Input(
            s3_uri=s3_uri,
            local_path=local_path,
            s3_data_type="S3Prefix",
            s3_input_mode="File",
            s3_data_distribution_type="FullyReplicated",
        ),
    )


def s3_output(name: str, s3_uri: Join, local_path: str) -> ProcessingOutput:
    return ProcessingOutput(
        output_name=name,
        s3_output=ProcessingS3Output(s3_uri=s3_uri, local_path=local_path, s3_upload_mode="EndOfJob"),
    )


def network_config() -> NetworkConfig:
    """Jobs run in the platform's VPC, isolated from the network, encrypting traffic between nodes."""
    return NetworkConfig(
        subnets=SUBNET_IDS,
        security_group_ids=SECURITY_GROUP_IDS,
        enable_network_isolation=True,
        encrypt_inter_container_traffic=True,
    )


def script_processor(name: str, image_uri, output_kms_key, session: PipelineSession) -> Processor:
    """A processing job running `<name>.py` (of `scripts/`, found under CodeUri), KMS-encrypted: its
    volume (which holds data) with the data key, its outputs with the key of where they go."""
    return Processor(
        base_job_name=name,
        role=_ROLE_ARN_STAND_IN,
        image_uri=image_uri,
        entrypoint=["python3", f"{CODE_DIR}/{name}.py"],
        instance_count=1,
        instance_type=processing_instance_type,
        volume_kms_key=data_kms_key_arn,
        output_kms_key=output_kms_key,
        network_config=network_config(),
        sagemaker_session=session,
    )


def json_file(s3_uri) -> MetricsSource:
    return MetricsSource(content_type="application/json", s3_uri=s3_uri)


class DataQualityBaselineStep(QualityCheckStep):
    """SageMaker's data-quality check step, with two fixes to the job request of SDK 3.27.

    The SDK picks the Model Monitor analyzer image for the session's region (the definition must
    take it from MonitorImageUri), and puts the NetworkConfig object itself into the request, which
    does not serialize.
    """

    @property
    def arguments(self) -> dict:
        request = super().arguments
        request["AppSpecification"]["ImageUri"] = monitor_image_uri
        request["NetworkConfig"] = network_config()._to_request_dict()
        return request


def feedback_input() -> ProcessingInput:
    """Prod's captured requests and labels of one window, as listed in FeedbackManifestUri.

    A manifest rather than a prefix: the job downloads exactly the window's files, not every capture
    ever replicated into dev (captures are kept, and grow by the hour). The manifest format is
    SageMaker's (`[{"prefix": "s3://bucket/"}, "key", ...]`, S3DataType ManifestFile).
    """
    return ProcessingInput(
        input_name="feedback",
        s3_input=ProcessingS3Input(
            s3_uri=feedback_manifest_uri,
            local_path=f"{PROCESSING}/input/feedback",
            s3_data_type="ManifestFile",
            s3_input_mode="File",
            s3_data_distribution_type="FullyReplicated",
        ),
    )


def preprocess_step(session: PipelineSession) -> ProcessingStep:
    """Drop the PII columns and split the raw data, into the processed-data bucket (data key)."""
    return ProcessingStep(
        name="Preprocess",
        step_args=script_processor("preprocess", processing_image_uri, data_kms_key_arn, session).run(
            inputs=[
                s3_input("code", code_uri, CODE_DIR),
                s3_input("raw", input_data_uri, f"{PROCESSING}/input/data"),
                feedback_input(),
            ],
            outputs=[
                s3_output(split, processed(split), f"{PROCESSING}/output/{split}")
                for split in ("train", "validation", "test", "baseline")
            ],
            arguments=["--pii-columns", pii_columns],
        ),
    )


# The built-in XGBoost algorithm's settings: a binary classifier, stopping when validation AUC stalls.
HYPERPARAMETERS = {
    "objective": "binary:logistic",
    "eval_metric": "auc",
    "num_round": 300,
    "early_stopping_rounds": 20,
    "max_depth": 4,
    "eta": 0.1,
    "subsample": 0.8,
}


def train_step(session: PipelineSession, splits) -> TrainingStep:
    """Train on the train split, validate on the validation split; the model goes to ArtifactsUri."""
    trainer = ModelTrainer(
        base_job_name="train",
        role=_ROLE_ARN_STAND_IN,
        training_image=training_image_uri,
        compute=Compute(
            instance_type=training_instance_type, instance_count=1, volume_kms_key_id=data_kms_key_arn
        ),
        networking=Networking(
            subnets=SUBNET_IDS,
            security_group_ids=SECURITY_GROUP_IDS,
            enable_network_isolation=True,
            enable_inter_container_traffic_encryption=True,
        ),
        output_data_config=OutputDataConfig(
            s3_output_path=artifacts("model"), kms_key_id=artifacts_kms_key_arn
        ),
        hyperparameters=HYPERPARAMETERS,
        input_data_config=[
            InputData(channel_name=split, data_source=splits[split].S3Output.S3Uri, content_type="text/csv")
            for split in ("train", "validation")
        ],
        sagemaker_session=session,
    )
    return TrainingStep(name="Train", step_args=trainer.train())


def evaluate_step(session: PipelineSession, splits, model_data, report: PropertyFile) -> ProcessingStep:
    """Score the model on the test split: `evaluation.json` (`report`) under ArtifactsUri, and the
    model-quality constraints prod's model-quality monitor checks real labels against."""
    return ProcessingStep(
        name="Evaluate",
        step_args=script_processor("evaluate", training_image_uri, artifacts_kms_key_arn, session).run(
            inputs=[
                s3_input("code", code_uri, CODE_DIR),
                s3_input("model", model_data, f"{PROCESSING}/model"),
                s3_input("test", splits["test"].S3Output.S3Uri, f"{PROCESSING}/test"),
            ],
            outputs=[
                s3_output("evaluation", artifacts("evaluation"), f"{PROCESSING}/evaluation"),
                s3_output(
                    "model-quality-baseline",
                    artifacts("model-quality-baseline"),
                    f"{PROCESSING}/model-quality-baseline",
                ),
            ],
            arguments=["--quality-metric", quality_metric, "--quality-threshold", quality_threshold],
        ),
        property_files=[report],
    )


def check_job_config(session: PipelineSession, network: NetworkConfig) -> CheckJobConfig:
    """How a check step runs its processing job: one instance, the data key on its volume, the
    artifacts key on what it writes, in the given network."""
    return CheckJobConfig(
        role=_ROLE_ARN_STAND_IN,
        instance_count=1,
        instance_type=processing_instance_type,
        volume_kms_key=data_kms_key_arn,
        output_kms_key=artifacts_kms_key_arn,
        network_config=network,
        sagemaker_session=session,
    )


def baseline_step(session: PipelineSession, splits, after: ProcessingStep) -> DataQualityBaselineStep:
    """The data-quality statistics and constraints of the baseline split, under ArtifactsUri."""
    return DataQualityBaselineStep(
        name="Baseline",
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=splits["baseline"].S3Output.S3Uri,
            dataset_format=DatasetFormat.csv(header=True),
            output_s3_uri=artifacts("data-quality-baseline"),
        ),
        check_job_config=check_job_config(session, network_config()),
        # Each model version gets the baseline of its own training data; nothing to drift from yet.
        skip_check=True,
        register_new_baseline=True,
        model_package_group_name=model_package_group_name,
        # After evaluation rather than beside training: an execution holds one instance at a time.
        depends_on=[after],
    )


def register_step(
    session: PipelineSession,
    model_data,
    evaluation: Join,
    quality_constraints: Join,
    baseline: DataQualityBaselineStep,
    checks: dict,
    model_card: ModelPackageModelCard,
) -> ModelStep:
    """Register the model as PendingManualApproval, with its metrics and baselines attached: data
    quality, model quality (the evaluation), bias and explainability (Clarify; `checks` holds each
    check step and its configuration for prod's monitor), its model card and the commit it was
    built from."""
    builder = ModelBuilder(
        image_uri=training_image_uri,
        s3_model_data_url=model_data,
        role_arn=_ROLE_ARN_STAND_IN,
        # The built-in algorithm serves the model: no inference code, so none of the
        # script-mode environment (with the session's region) that the SDK adds by default.
        dependencies={},
        sagemaker_session=session,
    )
    checked = baseline.properties
    bias, bias_config = checks["bias"]
    explainability, explainability_config = checks["explainability"]
    return ModelStep(
        name="Register",
        step_args=builder.register(
            model_package_group_name=model_package_group_name,
            approval_status="PendingManualApproval",
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=[inference_instance_type],
            transform_instances=[inference_instance_type],
            # Shown in the model registry, and read by production monitoring of this version.
            model_metrics=ModelMetrics(
                model_statistics=json_file(evaluation),
                model_constraints=json_file(quality_constraints),
                model_data_statistics=json_file(checked.CalculatedBaselineStatistics),
                model_data_constraints=json_file(checked.CalculatedBaselineConstraints),
                bias_post_training=json_file(bias.properties.CalculatedBaselineConstraints),
                explainability=json_file(explainability.properties.CalculatedBaselineConstraints),
            ),
            drift_check_baselines=DriftCheckBaselines(
                model_constraints=json_file(quality_constraints),
                model_data_statistics=json_file(checked.BaselineUsedForDriftCheckStatistics),
                model_data_constraints=json_file(checked.BaselineUsedForDriftCheckConstraints),
                bias_config_file=FileSource(content_type="application/json", s3_uri=bias_config),
                bias_post_training_constraints=json_file(
                    bias.properties.BaselineUsedForDriftCheckConstraints
                ),
                explainability_constraints=json_file(
                    explainability.properties.BaselineUsedForDriftCheckConstraints
                ),
                explainability_config_file=FileSource(
                    content_type="application/json", s3_uri=explainability_config
                ),
            ),
            model_card=model_card,
            model_life_cycle=model_cards.REGISTERED_STAGE,
            metadata_properties=MetadataProperties(commit_id=model_cards.code_version),
        ),
    )


def clarify_steps(session: PipelineSession, splits, model_data, after) -> dict:
    """ClarifyConfig, CreateModel and the two checks (`pipelines/clarify.py`), one job at a time:
    {"bias"|"explainability": (check step, its monitoring configuration's URI)} and "steps"."""
    configs = {kind: artifacts(f"model-{kind}", "config") for kind in ("bias", "explainability")}
    config = clarify.config_step(
        script_processor("clarify_config", processing_image_uri, artifacts_kms_key_arn, session),
        s3_input("code", code_uri, CODE_DIR),
        s3_input("baseline", splits["baseline"].S3Output.S3Uri, f"{PROCESSING}/input/baseline"),
        [s3_output(kind, uri, f"{PROCESSING}/output/{kind}") for kind, uri in configs.items()],
        inference_instance_type,
    )
    config.add_depends_on([after])
    model = clarify.model_step(session, training_image_uri, model_data, _ROLE_ARN_STAND_IN, network_config())
    job_config = check_job_config(session, clarify.clarify_network(SUBNET_IDS, SECURITY_GROUP_IDS))
    checks, previous = {}, config
    for kind in ("explainability", "bias"):  # bias last: a project without sensitive attributes drops it
        outputs = config.properties.ProcessingOutputConfig.Outputs[kind].S3Output.S3Uri
        step = clarify.check_step(
            kind,
            config_uri=Join(on="/", values=[outputs, "analysis_config.json"]),
            output_uri=artifacts(f"model-{kind}", "report"),
            test_split=splits["test"].S3Output.S3Uri,
            model_name=model.properties.ModelName,
            instance_type=inference_instance_type,
            check_job_config=job_config,
            network=clarify.clarify_network(SUBNET_IDS, SECURITY_GROUP_IDS),
            model_package_group_name=model_package_group_name,
            depends_on=[previous, model],
        )
        checks[kind] = (step, Join(on="/", values=[outputs, "monitoring_config.json"]))
        previous = step
    return {**checks, "steps": [config, model, checks["explainability"][0], checks["bias"][0]]}


def quality_gate_step(quality: JsonGet, register: ModelStep, after: list) -> ConditionStep:
    """`quality` >= QualityThreshold: then `register`, else fail naming the metric and the threshold."""
    below_threshold = FailStep(
        name="QualityBelowThreshold",
        error_message=Join(
            on=" ",
            values=[
                "Model quality",
                quality_metric,
                "=",
                quality,
                "is below the threshold",
                quality_threshold,
            ],
        ),
    )
    return ConditionStep(
        name="QualityGate",
        conditions=[ConditionGreaterThanOrEqualTo(left=quality, right=quality_threshold)],
        if_steps=[register],
        else_steps=[below_threshold],
        depends_on=after,  # what Register attaches to the model package must exist
    )


def build(session: PipelineSession) -> Pipeline:
    """The pipeline, with every deployment- and project-specific value left open."""
    preprocess = preprocess_step(session)
    splits = preprocess.properties.ProcessingOutputConfig.Outputs
    train = train_step(session, splits)
    model_data = train.properties.ModelArtifacts.S3ModelArtifacts
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = evaluate_step(session, splits, model_data, report)
    evaluation_uri = evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    outputs = evaluate.properties.ProcessingOutputConfig.Outputs
    quality_constraints = Join(
        on="/", values=[outputs["model-quality-baseline"].S3Output.S3Uri, "constraints.json"]
    )
    baseline = baseline_step(session, splits, after=evaluate)
    checks = clarify_steps(session, splits, model_data, after=baseline)
    quality = JsonGet(step_name=evaluate.name, property_file=report, json_path="quality.value")
    card = model_cards.card(
        evaluate.name, report, splits["train"].S3Output.S3Uri, splits["test"].S3Output.S3Uri
    )
    register = register_step(
        session,
        model_data,
        Join(on="/", values=[evaluation_uri, "evaluation.json"]),
        quality_constraints,
        baseline,
        checks,
        card,
    )
    gate = quality_gate_step(quality, register, after=[baseline, *checks["steps"][2:]])
    return Pipeline(
        name="model-build",
        parameters=PARAMETERS,
        steps=[preprocess, train, evaluate, baseline, *checks["steps"], gate],
        # Experiments exist only in some regions, and the SDK adds them by the session's region.
        pipeline_experiment_config=None,
        sagemaker_session=session,
    )


def definition() -> dict:
    """The pipeline definition, deployment-independent, with placeholders where parameters cannot go."""
    text = build(pipeline_session()).definition().replace(_ROLE_ARN_STAND_IN, ROLE_ARN_PLACEHOLDER)
    return json.loads(text)


def container_images() -> dict[str, dict[str, str]]:
    """Per SageMaker region with all four images: the URIs the image parameters take."""
    images = {}
    for region in sorted(botocore.session.get_session().get_available_regions("sagemaker")):
        try:
            images[region] = {
                "ProcessingImageUri": image_uris.retrieve("sklearn", region, version=SKLEARN_VERSION),
                "TrainingImageUri": image_uris.retrieve("xgboost", region, version=XGBOOST_VERSION),
                "MonitorImageUri": image_uris.retrieve("model-monitor", region),
                "ClarifyImageUri": image_uris.retrieve("clarify", region),
            }
        except ValueError:  # the SDK publishes no such image for this region
            continue
    return images


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    # The SDK's notices are about running jobs, which generating a definition does not do.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    DEFINITION_FILE.write_text(to_json(definition()), encoding="utf-8")
    IMAGES_FILE.write_text(to_json(container_images()), encoding="utf-8")
    print(
        f"wrote {DEFINITION_FILE.relative_to(HERE.parent)} and {IMAGES_FILE.relative_to(IMAGES_FILE.parents[1])}"
    )


if __name__ == "__main__":
    main()
