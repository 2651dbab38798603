"""`mlp-lineage` against moto, with Stubber for the APIs moto 5.2.5 lacks.

moto holds both accounts: prod (reached by assuming a role into 333333333333) gets the model, endpoint
config and endpoint; dev (111111111111) the model package group, an approved package, the model-build
pipeline, an execution and a training job. moto has no ListPipelineExecutionSteps and no lineage APIs
(ListArtifacts, QueryLineage; and its trial components have no Source): those calls go to a Stubber-fed
twin of the dev client, answering with the recorded responses in tests/recorded/lineage/ (each file
says which API it stands for), and the Stubber checks that the walk asks exactly for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from lineage import chain, code_version
from lineage.cli import main
from lineage.link import KINDS, Link, who
from tests.cli_fakes import assert_one_line_error, fresh_session, isolated_aws_environment
from tests.recorded import recorded as recorded_response
from tooling.synth import ROOT

CONFIG = ROOT / "config" / "example.toml"
REGION, DEV_ACCOUNT, PROD_ACCOUNT = "eu-west-1", "111111111111", "333333333333"
GROUP, PIPELINE, ENDPOINT = "churn-models", "mlplatform-churn-model-build", "mlplatform-churn-prod"
PACKAGE_ARN = f"arn:aws:sagemaker:{REGION}:{DEV_ACCOUNT}:model-package/{GROUP}/1"
# The training job the recorded steps and lineage name.
TRAINING_JOB = "pipelines-k3q9wz1x7d2m-Train-Xb4Lw2Qe7n"
TRAINING_JOB_ARN = f"arn:aws:sagemaker:{REGION}:{DEV_ACCOUNT}:training-job/{TRAINING_JOB}"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ARTIFACTS = "s3://mlplatform-model-artifacts-111111111111/churn"
PROCESSED = "s3://mlplatform-processed-data-111111111111/churn/k3q9wz1x7d2m"
RAW = "s3://mlplatform-raw-data-111111111111/churn/input"
MODEL_ROLE = f"arn:aws:iam::{PROD_ACCOUNT}:role/mlplatform-churn-prod-model"
CAPTURE = f"s3://mlplatform-model-monitor-{PROD_ACCOUNT}/churn/capture"
MODEL_DATA = f"{ARTIFACTS}/{TRAINING_JOB}/output/model.tar.gz"  # where moto's training job puts its model
OFFICER = f"arn:aws:sts::{DEV_ACCOUNT}:assumed-role/mlplatform-compliance-officer/cora"
MOTO_USER = "fake-user-profile-name"  # moto records every change as made by this Studio user profile


def recorded(name: str) -> dict[str, Any]:
    return recorded_response("lineage", name)


def session(credentials: dict[str, str], sagemaker: Any = None) -> boto3.Session:
    """A fresh session with these credentials; its SageMaker client is `sagemaker` when given."""

    class Session(boto3.Session):
        def client(self, name, *args, **kwargs):
            if name == "sagemaker" and sagemaker is not None:
                return sagemaker
            return super().client(name, *args, **kwargs)

    return fresh_session(Session, region_name=REGION, **credentials)


class Routed:
    """A SageMaker client: `operations` go to a Stubber-fed twin, every other call to moto."""

    def __init__(self, moto: Any, twin: Any, operations: set[str]) -> None:
        self._moto, self._twin, self._operations = moto, twin, operations

    def __getattr__(self, name: str) -> Any:
        return getattr(self._twin if name in self._operations else self._moto, name)


@dataclass
class World:
    """The two accounts under moto: credentials for each, and what the tests built there."""

    credentials: dict[str, dict[str, str]]  # account ("dev", "prod") -> boto3 credentials
    execution_arn: str = ""
    versions: dict[str, str] = field(default_factory=dict)  # split -> the version the job trained on
    _clients: dict[str, Any] = field(default_factory=dict)

    def session(self, account: str, sagemaker: Any = None) -> boto3.Session:
        return session(self.credentials[account], sagemaker)

    def s3(self) -> Any:
        """The dev account's S3 client."""
        if "s3" not in self._clients:
            self._clients["s3"] = self.session("dev").client("s3", region_name=REGION)
        return self._clients["s3"]

    def client(self, account: str) -> Any:
        """The account's SageMaker client (one per account: client creation is the slow part)."""
        if account not in self._clients:
            self._clients[account] = self.session(account).client("sagemaker", region_name=REGION)
        return self._clients[account]


@pytest.fixture
def world(monkeypatch, tmp_path):
    """Both accounts under moto, with fake credentials; no AWS config of this machine leaks in."""
    isolated_aws_environment(monkeypatch, tmp_path)
    with mock_aws():
        # moto puts what a client creates in the account of the role its credentials assumed.
        sts = session({}).client("sts")

        def assumed(account: str) -> dict[str, str]:
            role = f"arn:aws:iam::{account}:role/lineage-reader"
            credentials = sts.assume_role(RoleArn=role, RoleSessionName="lineage-test")["Credentials"]
            return {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }

        yield World({"dev": assumed(DEV_ACCOUNT), "prod": assumed(PROD_ACCOUNT)})


def write_raw(world: World) -> None:
    """The raw input the execution's Preprocess read, in its versioned bucket."""
    s3 = world.s3()
    bucket, prefix = RAW.removeprefix("s3://").split("/", 1)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    world.versions["raw"] = s3.put_object(Bucket=bucket, Key=f"{prefix}/churn.csv", Body=b"a,b\n")[
        "VersionId"
    ]


def write_splits(world: World) -> None:
    """The processed splits the training job reads, in their versioned bucket; an older version of
    the training split first, so the walk must pick the version current at the job's start."""
    s3 = world.s3()
    bucket, prefix = PROCESSED.removeprefix("s3://").split("/", 1)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for split, bodies in (("train", (b"old", b"a,b\n1,2\n")), ("validation", (b"a,b\n3,4\n",))):
        for body in bodies:
            put = s3.put_object(Bucket=bucket, Key=f"{prefix}/{split}/{split}.csv", Body=body)
        world.versions[split] = put["VersionId"]


def build_in_dev(
    world: World,
    *,
    generated_by: bool = True,
    training_job: bool = True,
    commit_id: str | None = None,
    pipeline_tags: tuple[tuple[str, str], ...] = (),
    description: str = "retrain on drift",
) -> None:
    """What the model-build pipeline leaves in dev: an execution, its training job, an approved package."""
    sagemaker = world.client("dev")
    tags = [{"Key": key, "Value": value} for key, value in pipeline_tags]
    sagemaker.create_pipeline(
        PipelineName=PIPELINE,
        RoleArn=f"arn:aws:iam::{DEV_ACCOUNT}:role/{PIPELINE}",
        PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}),
        **({"Tags": tags} if tags else {}),
    )
    write_raw(world)
    world.execution_arn = sagemaker.start_pipeline_execution(
        PipelineName=PIPELINE,
        PipelineExecutionDescription=description,
        PipelineParameters=[{"Name": "InputDataUri", "Value": RAW}],
    )["PipelineExecutionArn"]
    if training_job:
        write_splits(world)
        sagemaker.create_training_job(
            TrainingJobName=TRAINING_JOB,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=f"arn:aws:iam::{DEV_ACCOUNT}:role/{PIPELINE}",
            InputDataConfig=[
                {
                    "ChannelName": name,
                    "DataSource": {
                        "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{PROCESSED}/{name}"}
                    },
                }
                for name in ("train", "validation")
            ],
            OutputDataConfig={"S3OutputPath": ARTIFACTS},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            # SageMaker tags every job a pipeline runs with the execution that ran it.
            Tags=[{"Key": "sagemaker:pipeline-execution-arn", "Value": world.execution_arn}],
        )
    metadata = {"GeneratedBy": world.execution_arn} if generated_by else {}
    if commit_id:
        metadata |= {"CommitId": commit_id, "Repository": "https://git.example.com/ml/churn"}
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    arn = sagemaker.create_model_package(
        ModelPackageGroupName=GROUP,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_DATA}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        **({"MetadataProperties": metadata} if metadata else {}),
    )["ModelPackageArn"]
    assert arn == PACKAGE_ARN  # the recorded lineage responses name this package
    sagemaker.update_model_package(
        ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="AUC 0.91, bias review OK"
    )


def deploy_in_prod(world: World, endpoint: str = ENDPOINT, account: str = "prod") -> None:
    """What the promotion pipeline leaves in prod: a model from the dev package, its config, the endpoint."""
    sagemaker = world.client(account)
    sagemaker.create_model(
        ModelName="churn-prod-model-v1",
        ExecutionRoleArn=MODEL_ROLE,
        PrimaryContainer={"ModelPackageName": PACKAGE_ARN},
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName="churn-prod-config-v1",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "churn-prod-model-v1",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
                "InitialVariantWeight": 1.0,
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": CAPTURE,
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    )
    sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName="churn-prod-config-v1")


def steps_stubbed(world: World, stubber: Stubber) -> None:
    stubber.add_response(
        "list_pipeline_execution_steps",
        recorded("list_pipeline_execution_steps"),
        {"PipelineExecutionArn": world.execution_arn},
    )


def lineage_stubbed(stubber: Stubber) -> None:
    stubber.add_response("list_artifacts", recorded("list_artifacts"), {"SourceUri": PACKAGE_ARN})
    stubber.add_response(
        "query_lineage",
        recorded("query_lineage"),
        {
            "StartArns": [recorded("list_artifacts")["ArtifactSummaries"][0]["ArtifactArn"]],
            "Direction": "Ascendants",
            "IncludeEdges": False,
            "Filters": {"LineageTypes": ["TrialComponent"], "Types": ["TrainingJob"]},
            "MaxDepth": 10,
        },
    )
    stubber.add_response(
        "describe_trial_component",
        recorded("describe_trial_component"),
        {"TrialComponentName": f"{TRAINING_JOB}-aws-training-job"},
    )


STUBBED = {"list_pipeline_execution_steps", "list_artifacts", "query_lineage", "describe_trial_component"}


@pytest.fixture
def dev_twin(world):
    """The dev client's Stubber-fed twin, for the calls moto lacks; every queued answer must be used."""
    twin = world.session("dev").client("sagemaker", region_name=REGION)
    with Stubber(twin) as stubber:
        yield twin, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def cli(world, capsys):
    """Runs the tool with profiles `dev` and `prod`; gives (exit code, stdout, stderr)."""

    def run(*args: str, dev_sagemaker: Any = None) -> tuple[int, str, str]:
        def factory(profile_name: str | None = None) -> boto3.Session:
            return world.session(profile_name, dev_sagemaker if profile_name == "dev" else None)

        argv = ["--config", str(CONFIG), "--profile-dev", "dev", "--profile-prod", "prod", *args]
        code = main(argv, session_factory=factory)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def routed(world: World, twin: Any) -> Routed:
    return Routed(world.client("dev"), twin, STUBBED)


def by_kind(links: list[Link]) -> dict[str, Link]:
    return {link.kind: link for link in links}


# the whole chain


def test_walk_follows_every_link_from_the_prod_endpoint_to_the_code_version(world, dev_twin):
    twin, stubber = dev_twin
    build_in_dev(world)
    deploy_in_prod(world)
    steps_stubbed(world, stubber)

    links = chain.walk(world.client("prod"), routed(world, twin), ENDPOINT, world.s3())

    assert [link.kind for link in links] == list(KINDS)
    assert [link.account for link in links] == ["prod"] * 3 + ["dev"] * 6
    assert [link.unknown for link in links] == [None] * 9
    link = by_kind(links)
    assert link["endpoint"].id == ENDPOINT
    assert link["endpoint"].facts["status"] == "InService"
    assert link["endpoint"].facts["created"].endswith("Z")
    assert link["endpoint-config"].id == "churn-prod-config-v1"
    assert link["endpoint-config"].facts["variants"] == [
        "AllTraffic: model churn-prod-model-v1, 2 x ml.m5.large, weight 1"
    ]
    capture = link["endpoint-config"].facts["data_capture"]
    assert capture == f"on (20% of requests, input and output, to {CAPTURE})"
    assert link["model"].id == "churn-prod-model-v1"
    assert link["model"].facts["execution_role"] == MODEL_ROLE
    assert link["model"].facts["model_package"] == PACKAGE_ARN
    package = link["model-package"]
    assert (package.id, package.account, package.source) == (PACKAGE_ARN, "dev", "DescribeModelPackage")
    assert package.facts["group"] == GROUP and package.facts["version"] == 1
    assert package.facts["approval_status"] == "Approved"
    # moto records the approver as a Studio user profile; with IAM credentials it is the IAM ARN.
    assert package.facts["approved_by"] == f"Studio user profile {MOTO_USER} (domain fake-domain-id)"
    assert package.facts["approved_at"].endswith("Z")
    assert package.facts["approval_description"] == "AUC 0.91, bias review OK"
    execution = link["pipeline-execution"]
    assert execution.id == world.execution_arn
    assert execution.facts["pipeline"] == PIPELINE
    assert execution.facts["status"] == "Succeeded"
    assert execution.facts["found_via"] == "model package MetadataProperties.GeneratedBy"
    job = link["training-job"]
    assert job.id == TRAINING_JOB
    assert job.facts["algorithm_image"] == IMAGE
    assert job.facts["instances"] == "1 x ml.m5.xlarge"
    assert job.facts["status"] == "Completed"
    assert job.facts["metrics"] == ["train:progress=100"]  # moto's FinalMetricDataList
    assert job.facts["produced_package_model"] == "yes"
    assert "ListPipelineExecutionSteps" in job.facts["found_via"]
    assert link["training-data"].facts["channels"] == [
        f"train={PROCESSED}/train",
        f"validation={PROCESSED}/validation",
    ]
    versions = link["data-versions"]
    assert versions.facts["objects"] == [
        f"{PROCESSED}/train/train.csv?versionId={world.versions['train']}",
        f"{PROCESSED}/validation/validation.csv?versionId={world.versions['validation']}",
    ]
    assert versions.facts["as_of"].endswith("Z")
    assert versions.facts["raw_objects"] == [f"{RAW}/churn.csv?versionId={world.versions['raw']}"]
    assert versions.facts["raw_as_of"].endswith("Z")
    # Without a CommitId the link says so, and where it looked.
    code = link["code-version"]
    assert code.id == "not recorded"
    assert code.facts["looked_in"] == [
        "model package MetadataProperties.CommitId",
        "pipeline execution description",
        "pipeline tags code-version/git-commit",
    ]


def test_without_generated_by_the_lineage_apis_find_the_training_job_and_its_execution(world, dev_twin):
    twin, stubber = dev_twin
    build_in_dev(world, generated_by=False)
    deploy_in_prod(world)
    lineage_stubbed(stubber)  # and no ListPipelineExecutionSteps: the lineage already named the job

    link = by_kind(chain.walk(world.client("prod"), routed(world, twin), ENDPOINT, world.s3()))

    assert "generated_by" not in link["model-package"].facts
    assert link["pipeline-execution"].id == world.execution_arn
    assert link["pipeline-execution"].facts["found_via"] == (
        "SageMaker lineage (QueryLineage), then the training job's sagemaker:pipeline-execution-arn tag"
    )
    assert link["training-job"].id == TRAINING_JOB
    assert "QueryLineage" in link["training-job"].facts["found_via"]
    assert link["training-data"].unknown is None


# the command


def test_cli_prints_one_indented_line_per_link(world, dev_twin, cli):
    twin, stubber = dev_twin
    build_in_dev(world)
    deploy_in_prod(world)
    steps_stubbed(world, stubber)

    code, out, err = cli("--endpoint", ENDPOINT, dev_sagemaker=routed(world, twin))

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 9
    assert [len(line) - len(line.lstrip(" ")) for line in lines] == [0, 2, 4, 6, 8, 10, 12, 14, 16]
    assert lines[0].startswith(f"endpoint {ENDPOINT} [prod]: status InService; created ")
    assert lines[1].lstrip().startswith("endpoint config churn-prod-config-v1 [prod]: variants AllTraffic")
    assert lines[2].lstrip() == (
        f"model churn-prod-model-v1 [prod]: execution role {MODEL_ROLE}; model package {PACKAGE_ARN}; "
        "network isolation no; created " + lines[2].rsplit("created ", 1)[1]
    )
    assert "approval status Approved; approved by Studio user profile" in lines[3]
    assert "approval description AUC 0.91, bias review OK" in lines[3]
    execution = f"pipeline execution {world.execution_arn} [dev]"
    assert lines[4].lstrip().startswith(f"{execution}: pipeline {PIPELINE}; status Succeeded")
    assert lines[5].lstrip().startswith(f"training job {TRAINING_JOB} [dev]: status Completed")
    channels = f"train={PROCESSED}/train, validation={PROCESSED}/validation"
    assert lines[6].lstrip() == f"training data [dev]: channels {channels}"
    assert lines[7].lstrip().startswith("data versions [dev]: as of ")
    assert f"train.csv?versionId={world.versions['train']}" in lines[7]
    assert lines[8].lstrip().startswith("code version not recorded [dev]: looked in model package")


def test_json_has_the_same_links_as_the_text(world, dev_twin, cli):
    twin, stubber = dev_twin
    build_in_dev(world)
    deploy_in_prod(world)
    steps_stubbed(world, stubber)
    steps_stubbed(world, stubber)  # the command runs twice

    code, text, _ = cli("--endpoint", ENDPOINT, dev_sagemaker=routed(world, twin))
    json_code, out, err = cli("--endpoint", ENDPOINT, "--json", dev_sagemaker=routed(world, twin))

    assert (code, json_code, err) == (0, 0, "")
    document = json.loads(out)
    assert document["endpoint"] == ENDPOINT
    assert document["accounts"] == {
        "prod": {"account_id": PROD_ACCOUNT, "region": REGION},
        "dev": {"account_id": DEV_ACCOUNT, "region": REGION},
    }
    links = document["links"]
    assert [link["kind"] for link in links] == list(KINDS)
    assert all(link["unknown"] is None for link in links)
    assert links[3]["facts"]["approval_description"] == "AUC 0.91, bias review OK"
    assert links[8]["id"] == "not recorded"
    # Every text line is the JSON link it stands for: same kind, id, account and facts.
    for line, link in zip(text.splitlines(), links, strict=True):
        assert f"[{link['account']}]" in line
        if link["id"]:
            assert f" {link['id']} [" in line
        for key in link["facts"]:
            assert key.replace("_", " ") in line


def test_project_means_its_prod_endpoint(world, cli):
    build_in_dev(world)
    deploy_in_prod(world, endpoint="mlplatform-churn-prod")

    code, out, err = cli("--project", "churn")

    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("endpoint mlplatform-churn-prod [prod]: status InService")


def test_unknown_endpoint_is_a_one_line_error_with_exit_1(world, cli):
    build_in_dev(world)
    code, out, err = cli("--endpoint", "mlplatform-churn-staging")

    assert (code, out) == (1, "")
    assert_one_line_error(
        err, f"no endpoint mlplatform-churn-staging in the prod account {PROD_ACCOUNT} ({REGION})"
    )


def test_the_endpoint_is_looked_for_in_prod_not_dev(world, cli):
    """An endpoint of that name in dev does not count: --profile-prod's account is the one read."""
    build_in_dev(world)
    deploy_in_prod(world, account="dev")

    code, out, err = cli("--endpoint", ENDPOINT)

    assert (code, out) == (1, "")
    assert_one_line_error(err, f"no endpoint {ENDPOINT} in the prod account {PROD_ACCOUNT}")


def test_a_deleted_training_job_is_an_unknown_link_and_the_walk_goes_on(world, dev_twin, cli):
    twin, stubber = dev_twin
    # The execution's step still names the job, but DescribeTrainingJob no longer finds it.
    build_in_dev(world, training_job=False, pipeline_tags=(("git-commit", "4f2a9c1"),))
    deploy_in_prod(world)
    steps_stubbed(world, stubber)

    code, out, err = cli("--endpoint", ENDPOINT, dev_sagemaker=routed(world, twin))

    assert (code, err) == (0, "")
    lines = [line.strip() for line in out.splitlines()]
    assert lines[5] == (
        f"training job {TRAINING_JOB} [dev]: unknown: DescribeTrainingJob refused: ValidationException: "
        f"Could not find training job '{TRAINING_JOB_ARN}'"
    )
    assert lines[6] == "training data [dev]: unknown: no training job to read its input channels from"
    # The links before and after it are intact.
    assert lines[4].startswith(f"pipeline execution {world.execution_arn} [dev]: pipeline")
    assert lines[7] == "data versions [dev]: unknown: no training job to read its input channels from"
    assert lines[8].startswith("code version 4f2a9c1 [dev]: found in pipeline tag git-commit")


def test_links_that_cannot_be_followed_say_why(world, dev_twin):
    """No permission for the steps, and no lineage to fall back on: one reason each, on one line."""
    twin, stubber = dev_twin
    build_in_dev(world)
    deploy_in_prod(world)
    denied = "User: arn:aws:sts::111111111111:assumed-role/auditor/x is not authorized to perform: {}"
    stubber.add_client_error(
        "list_pipeline_execution_steps",
        "AccessDeniedException",
        denied.format("sagemaker:ListPipelineExecutionSteps"),
        expected_params={"PipelineExecutionArn": world.execution_arn},
    )
    stubber.add_client_error(
        "list_artifacts",
        "AccessDeniedException",
        denied.format("sagemaker:ListArtifacts"),
        expected_params={"SourceUri": PACKAGE_ARN},
    )

    link = by_kind(chain.walk(world.client("prod"), routed(world, twin), ENDPOINT, world.s3()))

    reason = link["training-job"].unknown
    assert "ListPipelineExecutionSteps refused: AccessDeniedException" in reason
    assert "ListArtifacts refused: AccessDeniedException" in reason
    assert "\n" not in reason
    assert link["training-data"].unknown
    assert link["pipeline-execution"].unknown is None and link["code-version"].id == "not recorded"


# code version


@pytest.mark.parametrize(
    ("setup", "version", "found_in"),
    [
        (
            {
                "commit_id": "9b8c7d6",
                "description": "git-commit=a1b2c3d",
                "pipeline_tags": (("git-commit", "1111111"),),
            },
            "9b8c7d6",
            "model package MetadataProperties.CommitId",
        ),
        (
            {"description": "nightly, git-commit=a1b2c3d", "pipeline_tags": (("git-commit", "1111111"),)},
            "a1b2c3d",
            "pipeline execution description",
        ),
        (
            {"pipeline_tags": (("git-commit", "1111111"), ("code-version", "v2.3.0"))},
            "v2.3.0",
            "pipeline tag code-version",
        ),
    ],
    ids=["package-commit-first", "then-execution-description", "then-pipeline-tags"],
)
def test_code_version_lookup_order(world, setup, version, found_in):
    build_in_dev(world, **setup)
    dev = world.client("dev")
    package = dev.describe_model_package(ModelPackageName=PACKAGE_ARN)
    execution = dev.describe_pipeline_execution(PipelineExecutionArn=world.execution_arn)

    link = code_version.find(dev, package, execution)

    assert (link.id, link.facts["found_in"], link.unknown) == (version, found_in, None)


def test_a_pipeline_changed_after_the_execution_makes_its_tag_a_caveat(world):
    build_in_dev(world, pipeline_tags=(("git-commit", "1111111"),))
    dev = world.client("dev")
    execution = dev.describe_pipeline_execution(PipelineExecutionArn=world.execution_arn)
    execution["CreationTime"] = datetime(2026, 1, 5, tzinfo=UTC)  # before the pipeline was deployed

    link = code_version.find(dev, None, execution)

    assert link.id == "1111111"
    assert "after this execution started: the tag may postdate it" in link.facts["caveat"]


# usage and credentials


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--project", "fraud"), "unknown project 'fraud'"),
        (("--endpoint", ENDPOINT, "--project", "churn"), "not allowed with argument"),
        (("--endpoint", "not_an_endpoint!"), "is not a SageMaker endpoint name"),
        ((), "one of the arguments --endpoint --project is required"),
    ],
)
def test_usage_mistakes_exit_2_with_one_line(world, cli, args, fragment):
    code, out, err = cli(*args)
    assert (code, out) == (2, "")
    assert_one_line_error(err, fragment)


def test_credentials_for_the_wrong_account_are_refused(world, capsys):
    code = main(
        ["--config", str(CONFIG), "--profile-dev", "prod", "--project", "churn"],
        session_factory=lambda profile_name=None: world.session("prod"),
    )
    _, err = capsys.readouterr()
    assert code == 1
    assert_one_line_error(err, f"your dev credentials are for account {PROD_ACCOUNT}", "--profile-dev")


@pytest.mark.parametrize(
    ("last_modified_by", "shown"),
    [
        (
            {
                "IamIdentity": {"Arn": OFFICER},
                "UserProfileName": "cora",
            },
            OFFICER,
        ),
        ({"UserProfileName": "cora", "DomainId": "d-7xk2"}, "Studio user profile cora (domain d-7xk2)"),
        ({}, "not recorded"),
    ],
    ids=["iam-identity-first", "then-studio-profile", "neither"],
)
def test_who_approved_is_the_iam_identity_else_the_studio_profile(last_modified_by, shown):
    assert who(last_modified_by) == shown


def test_missing_config_file_exits_2_naming_the_flag(world, capsys):
    code = main(["--config", "config/nope.toml", "--project", "churn"], session_factory=world.session)
    assert code == 2
    assert_one_line_error(capsys.readouterr().err, "config/nope.toml: no such config file", "with --config")
