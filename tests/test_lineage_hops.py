"""Each hop of the lineage walk on its own, against a Stubber-fed SageMaker client: the calls it makes
(the Stubber checks their parameters, and the responses' shape against the API model), the link it
gives, and the reason it gives when it cannot be followed. The whole walk is in test_lineage.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from lineage import code_version, hops, stage_history
from lineage.facts import lifecycle_and_card, model_package_link
from lineage.link import NOT_RECORDED, EndpointNotFound, Link, gap
from tests.cli_fakes import fresh_session, isolated_aws_environment
from tests.fakes import create_audit_table
from tests.recorded import recorded

REGION, DEV, PROD = "eu-west-1", "111111111111", "333333333333"
NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
ENDPOINT, CONFIG, MODEL = "mlplatform-churn-prod", "churn-prod-config-v1", "churn-prod-model-v1"
PACKAGE_ARN = f"arn:aws:sagemaker:{REGION}:{DEV}:model-package/mlplatform-churn/3"
EXECUTION_ARN = f"arn:aws:sagemaker:{REGION}:{DEV}:pipeline/mlplatform-churn-model-build/execution/k3q9"
JOB = "pipelines-k3q9-Train-Xb4L"
JOB_ARN = f"arn:aws:sagemaker:{REGION}:{DEV}:training-job/{JOB}"
OTHER_JOB_ARN = f"arn:aws:sagemaker:{REGION}:{DEV}:training-job/pipelines-k3q9-Train-Other"
MODEL_DATA = f"s3://mlplatform-model-artifacts-{DEV}/churn/{JOB}/output/model.tar.gz"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
DENIED = "AccessDeniedException"


@pytest.fixture
def sagemaker(monkeypatch, tmp_path) -> Iterator[tuple[Any, Stubber]]:
    """A SageMaker client that answers only what the test queued; every queued answer must be asked."""
    isolated_aws_environment(monkeypatch, tmp_path)
    client = fresh_session(region_name=REGION).client("sagemaker", region_name=REGION)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def endpoint(**extra: Any) -> dict[str, Any]:
    return {
        "EndpointName": ENDPOINT,
        "EndpointArn": f"arn:aws:sagemaker:{REGION}:{PROD}:endpoint/{ENDPOINT}",
        "EndpointStatus": "InService",
        "CreationTime": NOW,
        "LastModifiedTime": NOW,
        **extra,
    }


def variant(name: str, model: str, weight: float) -> dict[str, Any]:
    return {
        "VariantName": name,
        "ModelName": model,
        "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 1,
        "InitialVariantWeight": weight,
    }


def endpoint_config(*variants: dict[str, Any]) -> dict[str, Any]:
    return {
        "EndpointConfigName": CONFIG,
        "EndpointConfigArn": f"arn:aws:sagemaker:{REGION}:{PROD}:endpoint-config/{CONFIG}",
        "ProductionVariants": list(variants),
        "CreationTime": NOW,
    }


def model(container: dict[str, Any]) -> dict[str, Any]:
    return {
        "ModelName": MODEL,
        "ModelArn": f"arn:aws:sagemaker:{REGION}:{PROD}:model/{MODEL}",
        "CreationTime": NOW,
        "PrimaryContainer": container,
    }


def package(**extra: Any) -> dict[str, Any]:
    return {
        "ModelPackageName": "mlplatform-churn",
        "ModelPackageGroupName": "mlplatform-churn",
        "ModelPackageVersion": 3,
        "ModelPackageArn": PACKAGE_ARN,
        "CreationTime": NOW,
        "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
        "ModelApprovalStatus": "Approved",
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_DATA}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        **extra,
    }


def training_job(name: str = JOB, artifacts: str = MODEL_DATA, **extra: Any) -> dict[str, Any]:
    return {
        "TrainingJobName": name,
        "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{DEV}:training-job/{name}",
        "ModelArtifacts": {"S3ModelArtifacts": artifacts},
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": NOW,
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        **extra,
    }


def steps(*job_arns: str) -> dict[str, Any]:
    return {
        "PipelineExecutionSteps": [
            {"StepName": "Train", "Metadata": {"TrainingJob": {"Arn": arn}}} for arn in job_arns
        ]
    }


def denied(stubber: Stubber, operation: str, params: dict[str, Any]) -> None:
    stubber.add_client_error(
        operation, DENIED, f"not authorized to perform: {operation}", expected_params=params
    )


def lineage_names(stubber: Stubber, *job_arns: str) -> None:
    """SageMaker lineage: the package's artifact, the training jobs' trial components upstream of it."""
    artifact = f"arn:aws:sagemaker:{REGION}:{DEV}:artifact/a1b2"
    stubber.add_response(
        "list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": artifact}]}, {"SourceUri": PACKAGE_ARN}
    )
    components = [
        f"arn:aws:sagemaker:{REGION}:{DEV}:experiment-trial-component/tc-{i}" for i in range(len(job_arns))
    ]
    vertices = [{"Arn": arn, "Type": "TrainingJob", "LineageType": "TrialComponent"} for arn in components]
    stubber.add_response("query_lineage", {"Vertices": vertices})
    for i, job_arn in enumerate(job_arns):
        stubber.add_response(
            "describe_trial_component",
            {"Source": {"SourceArn": job_arn, "SourceType": "SageMakerTrainingJob"}},
            {"TrialComponentName": f"tc-{i}"},
        )


# endpoint


def test_endpoint_is_described_in_prod(sagemaker):
    client, stubber = sagemaker
    stubber.add_response("describe_endpoint", endpoint(EndpointConfigName=CONFIG), {"EndpointName": ENDPOINT})

    hop = hops.endpoint(client, ENDPOINT)

    assert (hop.link.kind, hop.link.account, hop.link.id) == ("endpoint", "prod", ENDPOINT)
    assert hop.link.facts["status"] == "InService" and hop.link.facts["created"] == "2026-11-21T08:00:00Z"
    assert hop.described["EndpointConfigName"] == CONFIG


def test_no_such_endpoint_ends_the_walk(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("describe_endpoint", "ValidationException", "Could not find endpoint")
    with pytest.raises(EndpointNotFound):
        hops.endpoint(client, ENDPOINT)


def test_an_endpoint_that_cannot_be_read_is_aws_refusing(sagemaker):
    client, stubber = sagemaker
    stubber.add_client_error("describe_endpoint", DENIED, "no")
    with pytest.raises(ClientError):
        hops.endpoint(client, ENDPOINT)


# endpoint config


def test_endpoint_config_names_its_variants_and_the_followed_one(sagemaker):
    client, stubber = sagemaker
    config = endpoint_config(variant("Blue", "model-blue", 0.2), variant("Green", "model-green", 0.8))
    stubber.add_response("describe_endpoint_config", config, {"EndpointConfigName": CONFIG})

    hop = hops.endpoint_config(client, endpoint(EndpointConfigName=CONFIG))

    assert hop.link.id == CONFIG and hop.link.unknown is None
    assert hop.link.facts["variants"] == [
        "Blue: model model-blue, 1 x ml.m5.large, weight 0.2",
        "Green: model model-green, 1 x ml.m5.large, weight 0.8",
    ]
    assert hop.link.facts["followed_variant"] == "Green"
    assert hop.link.facts["data_capture"] == "off"


def test_an_endpoint_without_a_config_name_is_unknown(sagemaker):
    client, _ = sagemaker  # no call is made
    hop = hops.endpoint_config(client, endpoint())
    assert (hop.link.unknown, hop.described) == ("the endpoint names no endpoint config", None)


def test_a_config_that_cannot_be_read_says_why_and_keeps_its_name(sagemaker):
    client, stubber = sagemaker
    denied(stubber, "describe_endpoint_config", {"EndpointConfigName": CONFIG})

    hop = hops.endpoint_config(client, endpoint(EndpointConfigName=CONFIG))

    assert hop.link.id == CONFIG and hop.described is None
    assert hop.link.unknown == (
        "DescribeEndpointConfig refused: AccessDeniedException: not authorized to perform: describe_endpoint_config"
    )


# model


def test_model_is_the_heaviest_variants(sagemaker):
    client, stubber = sagemaker
    config = endpoint_config(variant("Blue", "model-blue", 0.2), variant("Green", MODEL, 0.8))
    stubber.add_response("describe_model", model({"ModelPackageName": PACKAGE_ARN}), {"ModelName": MODEL})

    hop = hops.model(client, config)

    assert hop.link.id == MODEL and hop.link.facts["model_package"] == PACKAGE_ARN


def test_a_model_is_unknown_without_a_config_or_a_variant(sagemaker):
    client, _ = sagemaker
    assert hops.model(client, None).link.unknown == "no endpoint config to read it from"
    assert hops.model(client, endpoint_config()).link.unknown == (
        f"endpoint config {CONFIG} has no production variants"
    )


# model package


def test_model_package_is_the_one_the_container_names(sagemaker):
    client, stubber = sagemaker
    stubber.add_response(
        "describe_model_package",
        package(
            ApprovalDescription="AUC 0.91", LastModifiedBy={"UserProfileName": "cora"}, LastModifiedTime=NOW
        ),
        {"ModelPackageName": PACKAGE_ARN},
    )

    hop = hops.model_package(client, model({"ModelPackageName": PACKAGE_ARN}))

    assert (hop.link.id, hop.link.account) == (PACKAGE_ARN, "dev")
    assert hop.link.facts["approved_by"] == "Studio user profile cora"
    assert hop.link.facts["approved_at"] == "2026-11-21T08:00:00Z"
    assert hop.link.facts["model_data"] == MODEL_DATA


def test_a_model_not_made_from_a_package_says_what_it_runs(sagemaker):
    client, _ = sagemaker
    hop = hops.model_package(client, model({"Image": IMAGE}))
    assert hop.link.unknown == f"model {MODEL} was not created from a model package (it runs {IMAGE})"
    assert hops.model_package(client, None).link.unknown == "no model to read it from"


# pipeline execution


def test_the_execution_is_the_packages_generated_by_without_asking_lineage(sagemaker):
    client, _ = sagemaker
    found = hops.find_execution(client, package(MetadataProperties={"GeneratedBy": EXECUTION_ARN}))
    assert (found.arn, found.via, found.missing, found.lineage.asked) == (
        EXECUTION_ARN,
        hops.VIA_GENERATED_BY,
        None,
        False,
    )


def test_without_generated_by_the_execution_is_the_lineage_jobs_tag(sagemaker):
    client, stubber = sagemaker
    lineage_names(stubber, JOB_ARN)
    tag = {"Key": "sagemaker:pipeline-execution-arn", "Value": EXECUTION_ARN}
    stubber.add_response("list_tags", {"Tags": [tag]}, {"ResourceArn": JOB_ARN})

    found = hops.find_execution(client, package())

    assert (found.arn, found.via, found.missing) == (EXECUTION_ARN, hops.VIA_TAG, None)
    assert found.lineage.jobs == [JOB_ARN]


def test_a_lineage_job_without_the_tag_was_run_by_no_pipeline(sagemaker):
    client, stubber = sagemaker
    lineage_names(stubber, JOB_ARN)
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": JOB_ARN})

    found = hops.find_execution(client, package())

    assert found.arn is None and found.lineage.jobs == [JOB_ARN]
    assert (
        found.missing
        == f"training job {JOB_ARN} has no sagemaker:pipeline-execution-arn tag: no pipeline ran it"
    )


def test_no_generated_by_and_no_lineage_says_both(sagemaker):
    client, stubber = sagemaker
    stubber.add_response("list_artifacts", {"ArtifactSummaries": []}, {"SourceUri": PACKAGE_ARN})

    found = hops.find_execution(client, package())

    assert found.missing == (
        "the package names no pipeline execution (MetadataProperties.GeneratedBy) and "
        f"SageMaker lineage has no artifact for {PACKAGE_ARN}"
    )
    assert hops.find_execution(client, None).missing == "no model package to find it from"


def test_an_execution_that_cannot_be_described_keeps_its_arn(sagemaker):
    client, stubber = sagemaker
    denied(stubber, "describe_pipeline_execution", {"PipelineExecutionArn": EXECUTION_ARN})

    hop = hops.pipeline_execution(client, package(MetadataProperties={"GeneratedBy": EXECUTION_ARN}))

    assert hop.link.id == EXECUTION_ARN and "DescribePipelineExecution refused" in hop.link.unknown
    assert hop.found.arn == EXECUTION_ARN  # the training job can still be found from its steps


# training job


def execution(arn: str | None = EXECUTION_ARN, lineage: hops.Lineage | None = None) -> hops.Execution:
    return hops.Execution(arn, hops.VIA_GENERATED_BY, lineage=lineage or hops.Lineage())


def execution_hop(found: hops.Execution) -> hops.ExecutionHop:
    """The execution's hop as the training job's hop gets it (the execution itself unread)."""
    return hops.ExecutionHop(gap("pipeline-execution", "dev", "not read in this test"), None, found)


def test_the_training_job_the_lineage_named_needs_no_more_calls(sagemaker):
    client, _ = sagemaker
    found = hops.find_training_jobs(client, PACKAGE_ARN, execution(lineage=hops.Lineage(jobs=[JOB_ARN])))
    assert (found.arns, found.via, found.missing) == ([JOB_ARN], hops.VIA_LINEAGE, None)


def test_the_training_job_is_the_executions_training_step(sagemaker):
    client, stubber = sagemaker
    stubber.add_response(
        "list_pipeline_execution_steps", steps(JOB_ARN), {"PipelineExecutionArn": EXECUTION_ARN}
    )

    found = hops.find_training_jobs(client, PACKAGE_ARN, execution())

    assert (found.arns, found.via) == ([JOB_ARN], hops.VIA_STEPS)


def test_unreadable_steps_fall_back_on_the_lineage(sagemaker):
    client, stubber = sagemaker
    denied(stubber, "list_pipeline_execution_steps", {"PipelineExecutionArn": EXECUTION_ARN})
    lineage_names(stubber, JOB_ARN)

    found = hops.find_training_jobs(client, PACKAGE_ARN, execution())

    assert (found.arns, found.via) == ([JOB_ARN], hops.VIA_LINEAGE)


def test_a_lineage_already_asked_is_not_asked_again_and_every_reason_is_given(sagemaker):
    client, stubber = sagemaker
    denied(stubber, "list_pipeline_execution_steps", {"PipelineExecutionArn": EXECUTION_ARN})

    found = hops.find_training_jobs(
        client, PACKAGE_ARN, execution(lineage=hops.Lineage(why="lineage said no"))
    )

    assert found.arns == []
    assert found.missing == (
        "ListPipelineExecutionSteps refused: AccessDeniedException: not authorized to perform: "
        "list_pipeline_execution_steps; lineage said no"
    )


def test_with_nothing_to_find_it_from_the_training_job_says_so(sagemaker):
    client, _ = sagemaker
    found = hops.find_training_jobs(client, None, execution(arn=None))
    assert found.missing == "no model package or pipeline execution to find it from"


def test_of_several_training_jobs_the_one_that_made_the_packages_model(sagemaker):
    client, stubber = sagemaker
    stubber.add_response(
        "list_pipeline_execution_steps",
        steps(OTHER_JOB_ARN, JOB_ARN),
        {"PipelineExecutionArn": EXECUTION_ARN},
    )
    other = training_job("pipelines-k3q9-Train-Other", artifacts="s3://elsewhere/model.tar.gz")
    stubber.add_response("describe_training_job", other, {"TrainingJobName": "pipelines-k3q9-Train-Other"})
    stubber.add_response("describe_training_job", training_job(), {"TrainingJobName": JOB})

    hop = hops.training_job(client, package(), execution_hop(execution()))

    assert hop.link.id == JOB and hop.link.unknown is None
    assert hop.link.facts["produced_package_model"] == "yes"
    assert hop.link.facts["found_via"] == hops.VIA_STEPS


def test_several_training_jobs_none_of_which_made_the_model_are_named(sagemaker):
    client, stubber = sagemaker
    stubber.add_response(
        "list_pipeline_execution_steps",
        steps(OTHER_JOB_ARN, JOB_ARN),
        {"PipelineExecutionArn": EXECUTION_ARN},
    )
    other = training_job("pipelines-k3q9-Train-Other", artifacts="s3://elsewhere/model.tar.gz")
    stubber.add_response("describe_training_job", other, {"TrainingJobName": "pipelines-k3q9-Train-Other"})
    denied(stubber, "describe_training_job", {"TrainingJobName": JOB})

    hop = hops.training_job(client, package(), execution_hop(execution()))

    assert hop.link.id is None
    assert hop.link.unknown == (
        f"2 training jobs (pipelines-k3q9-Train-Other, {JOB}); none readable produced the package's {MODEL_DATA}"
    )


# training data, code version


def test_training_data_is_the_jobs_input_channels():
    job = training_job(
        InputDataConfig=[
            {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": "s3://data/train"}}},
            {"ChannelName": "nfs", "DataSource": {"FileSystemDataSource": {"DirectoryPath": "/fsx/x"}}},
        ]
    )
    assert hops.training_data(job).facts == {"channels": ["train=s3://data/train", "nfs=/fsx/x"]}


def test_training_data_is_unknown_without_a_job_or_its_channels():
    assert hops.training_data(None).unknown == "no training job to read its input channels from"
    assert hops.training_data(training_job()).unknown == f"training job {JOB} has no input channels"


def test_code_version_without_package_or_execution_is_unknown(sagemaker):
    client, _ = sagemaker
    link = hops.code(client, None, None)
    assert link.unknown == "neither the model package nor the pipeline execution is known"


def test_unreadable_pipeline_tags_make_the_code_version_unknown_not_unrecorded(sagemaker):
    client, stubber = sagemaker
    pipeline_arn = f"arn:aws:sagemaker:{REGION}:{DEV}:pipeline/mlplatform-churn-model-build"
    denied(stubber, "list_tags", {"ResourceArn": pipeline_arn})

    link = code_version.find(
        client, package(), {"PipelineExecutionArn": EXECUTION_ARN, "PipelineArn": pipeline_arn}
    )

    assert link.id != NOT_RECORDED and link.source == "ListTags"
    assert link.unknown == "ListTags refused: AccessDeniedException: not authorized to perform: list_tags"


def test_the_package_link_shows_its_stage_card_and_commit():
    """The recorded version (tests/recorded/registry/): in Production, its card Approved by the officer."""
    package = recorded("registry", "describe_model_package")
    shown = model_package_link(package).facts
    assert shown["lifecycle_stage"] == "Production/Approved"
    assert shown["lifecycle_note"].startswith("serving in prod, verified by promotion")
    assert shown["model_card"] == "Approved" and shown["risk_rating"] == "Medium"
    assert shown["card_decided_by"].endswith("mlplatform-compliance-officer/cora")
    assert shown["pii_columns_dropped"] == "customer_name,email,phone"
    assert code_version.from_package(package).id == "0123456789abcdef0123456789abcdef01234567"


def test_a_package_without_stage_or_card_shows_neither():
    assert {k: v for k, v in lifecycle_and_card({}).items() if v is not None} == {}


def test_the_stage_history_comes_from_the_audit_table_oldest_first(monkeypatch, tmp_path):
    """The recorder's lifecycle-stage items of that version only, not its decisions nor other versions."""
    isolated_aws_environment(monkeypatch, tmp_path, AWS_DEFAULT_REGION="eu-west-1")
    arn = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlplatform-churn/3"
    with mock_aws():
        create_audit_table("audit")
        table = boto3.resource("dynamodb").Table("audit")
        for when, kind, package, extra in (
            ("2026-11-21T08:00:00Z", "lifecycle-stage", arn, {"stage": "Staging/InProgress"}),
            ("2026-11-20T14:03:27Z", "registry-decision", arn, {"decision": "Approved"}),
            (
                "2026-11-22T16:12:44Z",
                "lifecycle-stage",
                arn,
                {"stage": "Production/Approved", "comment": "verified"},
            ),
            ("2026-11-23T00:00:00Z", "lifecycle-stage", arn[:-1] + "4", {"stage": "Staging/InProgress"}),
        ):
            table.put_item(
                Item={
                    "project": "churn",
                    "recorded_at": f"{when}#e",
                    "kind": kind,
                    "model_package_arn": package,
                    "decided_by": "steps",
                    **extra,
                }
            )
        package = Link("model-package", "dev", arn, {"version": 3})
        [linked] = stage_history.with_history([package], table, {"mlplatform-churn": "churn"})
        missing = stage_history.with_history(
            [package], boto3.resource("dynamodb").Table("none"), {"mlplatform-churn": "churn"}
        )

    assert linked.facts["stage_history"] == [
        "2026-11-21T08:00:00Z Staging/InProgress by steps",
        "2026-11-22T16:12:44Z Production/Approved by steps (verified)",
    ]
    assert linked.facts["version"] == 3
    assert "ResourceNotFoundException" in missing[0].facts["stage_history_unknown"]
