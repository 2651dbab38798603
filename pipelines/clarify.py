"""SageMaker Clarify in the model-build pipeline: post-training bias and feature attributions of the
trained model on the test split, registered with the version (ModelMetrics `Bias`, `Explainability`)
and as drift-check baselines for prod's monitors (DriftCheckBaselines `Bias`, `Explainability`).

    preprocess ─► ... ─► ClarifyConfig ─► CreateModel ─► ModelBias ─► ModelExplainability ─► quality gate

- ClarifyConfig (`scripts/clarify_config.py`) writes the analysis configurations from the data's
  real columns (known only after preprocessing), with the project's label and sensitive attributes.
- CreateModel makes a SageMaker model of the trained artifact, from which each Clarify job starts
  a temporary shadow endpoint to get predictions.
- ModelBias and ModelExplainability are SageMaker's ClarifyCheckStep (SDK 3.27), whose analysis
  configuration is the ClarifyConfig output: the SDK would otherwise upload one while building the
  definition, which must stay offline and deployment-independent.

Clarify jobs call SageMaker (the shadow endpoint) from inside the VPC, so they run without network
isolation, as AWS requires for them ("Make sure network isolation ... is turned off",
https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-vpc.html); the dev VPC reaches
sagemaker.api and sagemaker.runtime through its interface endpoints.
"""

from __future__ import annotations

from sagemaker.core.clarify import (
    BiasConfig,
    DataConfig,
    ModelConfig,
    ModelPredictedLabelConfig,
    SageMakerClarifyProcessor,
    SHAPConfig,
)
from sagemaker.core.network import NetworkConfig
from sagemaker.core.shapes import ProcessingInput, ProcessingOutput
from sagemaker.core.workflow.functions import Join
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.pipeline_context import PipelineSession
from sagemaker.mlops.workflow import CheckJobConfig, ModelStep, ProcessingStep
from sagemaker.mlops.workflow.clarify_check_step import (
    ClarifyCheckConfig,
    ClarifyCheckStep,
    ModelBiasCheckConfig,
    ModelExplainabilityCheckConfig,
)
from sagemaker.serve.model_builder import ModelBuilder

from pipelines.definition import BIAS_STEP  # left out of a project's pipeline without sensitive attributes

# Parameters: the CDK stack sets each project's values (clarify_image_uri from container_images.json).
clarify_image_uri = ParameterString("ClarifyImageUri")
label_column = ParameterString("LabelColumn")
sensitive_attributes = ParameterString("SensitiveAttributes")  # column=value,...; empty: no bias check

PARAMETERS = [clarify_image_uri, label_column, sensitive_attributes]

# Never written to: the analysis configurations come from ClarifyConfig, not from the SDK's upload.
_NOT_UPLOADED = "s3://sdk-clarify-upload-must-not-appear/analysis"


class ClarifyCheck(ClarifyCheckStep):
    """SageMaker's Clarify check step, reading its analysis configuration from `config_uri` (a pipeline
    value) instead of uploading one, with the Clarify image from ClarifyImageUri and the VPC settings
    serialized (SDK 3.27 puts the NetworkConfig object itself into the request)."""

    def __init__(self, *, config_uri: Join, network: NetworkConfig, **kwargs) -> None:
        self._config_uri, self._network = config_uri, network
        super().__init__(**kwargs)

    def _upload_monitoring_analysis_config(self) -> str:
        return _NOT_UPLOADED  # prod's configuration is ClarifyConfig's monitoring_config.json

    def _generate_processing_job_parameters(self, *_sdk_analysis) -> dict:  # (analysis config, processor)
        data = self.clarify_check_config.data_config
        config_input = ProcessingInput(
            input_name="analysis_config",
            s3_input={
                "s3_uri": self._config_uri,
                "local_path": SageMakerClarifyProcessor._CLARIFY_CONFIG_INPUT,
                "s3_data_type": "S3Prefix",
                "s3_input_mode": "File",
                "s3_compression_type": "None",
            },
        )
        data_input = ProcessingInput(
            input_name="dataset",
            s3_input={
                "s3_uri": data.s3_data_input_path,
                "local_path": SageMakerClarifyProcessor._CLARIFY_DATA_INPUT,
                "s3_data_type": "S3Prefix",
                "s3_input_mode": "File",
                "s3_data_distribution_type": data.s3_data_distribution_type,
                "s3_compression_type": data.s3_compression_type,
            },
        )
        result_output = ProcessingOutput(
            output_name="analysis_result",
            s3_output={
                "s3_uri": data.s3_output_path,
                "local_path": SageMakerClarifyProcessor._CLARIFY_OUTPUT,
                "s3_upload_mode": "EndOfJob",
            },
        )
        return dict(config_input=config_input, data_input=data_input, result_output=result_output)

    @property
    def arguments(self) -> dict:
        request = super().arguments
        request["AppSpecification"]["ImageUri"] = clarify_image_uri
        request["NetworkConfig"] = self._network._to_request_dict()
        return request


def clarify_network(subnets: list[str], security_groups: list[str]) -> NetworkConfig:
    """In the VPC, traffic between nodes encrypted; not isolated (the shadow endpoint, see above)."""
    return NetworkConfig(
        subnets=subnets,
        security_group_ids=security_groups,
        enable_network_isolation=False,
        encrypt_inter_container_traffic=True,
    )


def config_step(
    processor, code_input: ProcessingInput, baseline_input: ProcessingInput, outputs, instance_type
):
    """ClarifyConfig: the analysis configurations, from the baseline split's columns."""
    return ProcessingStep(
        name="ClarifyConfig",
        step_args=processor.run(
            inputs=[code_input, baseline_input],
            outputs=outputs,
            arguments=[
                "--label-column",
                label_column,
                "--sensitive-attributes",
                sensitive_attributes,
                "--instance-type",
                instance_type,
            ],
        ),
    )


class IsolatedModelStep(ModelStep):
    """A CreateModel step whose model runs in the VPC with network isolation, as served models do."""

    def __init__(self, *, network: NetworkConfig, **kwargs) -> None:
        self._network = network
        super().__init__(**kwargs)

    @property
    def arguments(self) -> dict:
        request = super().arguments
        request["EnableNetworkIsolation"] = True
        request["VpcConfig"] = {
            "Subnets": self._network.subnets,
            "SecurityGroupIds": self._network.security_group_ids,
        }
        return request


def model_step(
    session: PipelineSession, image_uri, model_data, role_arn: str, network: NetworkConfig
) -> IsolatedModelStep:
    """A SageMaker model of the trained artifact: what Clarify's shadow endpoints serve."""
    builder = ModelBuilder(
        image_uri=image_uri,
        s3_model_data_url=model_data,
        role_arn=role_arn,
        dependencies={},  # the built-in algorithm serves it: no inference code (as register_step)
        sagemaker_session=session,
    )
    return IsolatedModelStep(name="CreateModel", step_args=builder.build(), network=network)


def _check_config(kind: str, model_name, instance_type, test_split, output_uri: Join) -> ClarifyCheckConfig:
    data = DataConfig(
        s3_data_input_path=test_split,
        s3_output_path=output_uri,
        s3_analysis_config_output_path=_NOT_UPLOADED,
        label=0,  # the analysis configuration names it; the split holds it first
        dataset_type="text/csv",
    )
    model = ModelConfig(
        model_name=model_name,
        instance_type=instance_type,
        instance_count=1,
        accept_type="text/csv",
        content_type="text/csv",
    )
    if kind == "bias":
        return ModelBiasCheckConfig(
            data_config=data,
            data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name=1),
            model_config=model,
            model_predicted_label_config=ModelPredictedLabelConfig(probability_threshold=0.5),
        )
    return ModelExplainabilityCheckConfig(
        data_config=data, model_config=model, explainability_config=SHAPConfig(baseline=[[0]])
    )


def check_step(
    kind: str,
    *,
    config_uri: Join,
    output_uri: Join,
    test_split,
    model_name,
    instance_type,
    check_job_config: CheckJobConfig,
    network: NetworkConfig,
    model_package_group_name,
    depends_on: list,
) -> ClarifyCheck:
    """The bias ("bias") or explainability check of the model: its report and constraints under
    `output_uri`, registered as the version's new baseline (nothing to drift from at build time)."""
    return ClarifyCheck(
        name=BIAS_STEP if kind == "bias" else "ModelExplainability",
        config_uri=config_uri,
        network=network,
        clarify_check_config=_check_config(kind, model_name, instance_type, test_split, output_uri),
        check_job_config=check_job_config,
        skip_check=True,
        register_new_baseline=True,
        model_package_group_name=model_package_group_name,
        depends_on=depends_on,
    )
