"""The model card each registration carries (`ModelCard` on CreateModelPackage), and its code version.

The card is a `ModelPackageModelCard`: its content follows the model package model card schema
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-details.html#model-card-schema; the
pinned SDK's `sagemaker.core.shapes.model_card_shapes`), and it lives, versioned with the package, in
the registry beside the approval it informs. It is written at registration as PendingReview with:

- intended_uses: the project's `model_card` settings (intended use, risk rating, why), which the
  stack renders into the parameter `ModelCardIntendedUses` as a JSON object;
- evaluation_details: the test-split metrics of `evaluation.json`, read by JsonGet at run time;
- additional_information.custom_details: the PII columns dropped (`ModelCardPiiColumns`, a JSON
  string the stack renders), the training data location, the code version and the execution.

The content is one Join of JSON text: every value joined in is JSON already (the two parameters),
a number (metrics) or text that needs no escaping (S3 URIs, the commit, the execution ARN). The audit
recorder later adds who decided, when and why, and moves the status (Approved, or Draft when rejected).
`CodeVersion` is also the package's `MetadataProperties.CommitId`, where `mlp-lineage` reads it.
"""

from __future__ import annotations

from sagemaker.core.shapes import ModelLifeCycle, ModelPackageModelCard
from sagemaker.core.workflow.execution_variables import ExecutionVariables
from sagemaker.core.workflow.functions import Join, JsonGet
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.core.workflow.properties import PropertyFile

from pipelines.scripts.evaluate import METRIC_NAMES

code_version = ParameterString("CodeVersion")  # the commit the platform was deployed from
intended_uses = ParameterString("ModelCardIntendedUses")  # a JSON object: the schema's intended_uses
pii_columns_json = ParameterString("ModelCardPiiColumns")  # a JSON string: the columns dropped
PARAMETERS = [code_version, intended_uses, pii_columns_json]

REGISTERED_STATUS = "PendingReview"  # a ModelCardStatus: awaiting the compliance officer's review
# The lifecycle stage a version starts in; the promotion moves it on (platform_config.naming.LIFECYCLE_STAGES).
REGISTERED_STAGE = ModelLifeCycle(
    stage="Development",
    stage_status="PendingApproval",
    stage_description="registered by the model-build pipeline",
)


def content(evaluate_step: str, report: PropertyFile, training_data, test_data) -> Join:
    """The card's content as JSON text, from the evaluation report and the splits' S3 URIs."""
    metrics: list[str | JsonGet] = []
    for name in METRIC_NAMES:
        value = JsonGet(
            step_name=evaluate_step,
            property_file=report,
            json_path=f"binary_classification_metrics.{name}.value",
        )
        metrics += [", " if metrics else "", f'{{"name": "{name}", "type": "number", "value": ', value, "}"]
    return Join(
        on="",
        values=[
            '{"intended_uses": ',
            intended_uses,
            ', "evaluation_details": [{"name": "test split", "datasets": ["',
            test_data,
            '"], "metric_groups": [{"name": "binary classification", "metric_data": [',
            *metrics,
            ']}]}], "additional_information": {"custom_details": {"pii_columns_dropped": ',
            pii_columns_json,
            ', "training_data": "',
            training_data,
            '", "code_version": "',
            code_version,
            '", "pipeline_execution": "',
            ExecutionVariables.PIPELINE_EXECUTION_ARN,
            '"}}}',
        ],
    )


def card(evaluate_step: str, report: PropertyFile, training_data, test_data) -> ModelPackageModelCard:
    return ModelPackageModelCard(
        model_card_content=content(evaluate_step, report, training_data, test_data),
        model_card_status=REGISTERED_STATUS,
    )
