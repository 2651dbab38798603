"""Issue 15: each persona's starter notebook, as Studio gets it, runs top to bottom against moto with
the SDK defaults its lifecycle configuration wrote; what moto lacks is answered from recorded
responses. The tests assert the calls each makes: every job in the VPC, encrypted with the
platform's keys, as the persona's role, tagged; and the local parts run for real on the sample."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import time
from pathlib import Path

import boto3
import botocore.client
import pytest
import yaml
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws

from ml_constructs.studio_starters import STARTERS_DIR
from ml_constructs.studio_starters.sdk_defaults import JobPlacement, PersonaDefaults, sdk_defaults
from platform_config import reachability

SAMPLE = Path(__file__).resolve().parents[1] / "pipelines" / "data" / "churn.csv"
SCRIPTS = SAMPLE.parents[1] / "scripts"
STARTER_MODULES = ("platform_context", "preprocess", "evaluate", "train", "to_parquet")
# What moto does not implement, as SageMaker and CodePipeline answer it.
RECORDED = {
    "ListPipelineExecutionSteps": {
        "PipelineExecutionSteps": [
            {"StepName": "Preprocess", "StepStatus": "Succeeded"},
            {"StepName": "Train", "StepStatus": "Executing"},
        ]
    },
    "GetPipelineState": {
        "pipelineName": "mlplatform-churn-promotion",
        "stageStates": [
            {"stageName": "Source", "latestExecution": {"pipelineExecutionId": "e1", "status": "Succeeded"}},
            {
                "stageName": "ApproveForProd",
                "latestExecution": {"pipelineExecutionId": "e1", "status": "InProgress"},
                "actionStates": [
                    {
                        "actionName": "ApproveForProd",
                        "latestExecution": {"status": "InProgress", "token": "gate-token"},
                    }
                ],
            },
        ],
    },
    "PutApprovalResult": {},
    "PutRecord": {},
}


class Calls(list):
    """Every (service, operation, params) the notebook sent."""

    def of(self, operation: str) -> list[dict]:
        return [params for _, name, params in self if name == operation]


@contextlib.contextmanager
def studio(home: Path, monkeypatch):
    """The persona's space: its SDK defaults, AWS (moto, and the recorded answers), its starters."""
    calls = Calls()
    send = botocore.client.BaseClient._make_api_call

    def record(client, operation, params):
        calls.append((client.meta.service_model.service_name, operation, params))
        if operation in RECORDED:
            return RECORDED[operation]
        try:
            return send(client, operation, params)
        except EndpointConnectionError:  # never sent: what Studio cannot reach fails at once
            calls.pop()
            raise

    config = str(home / ".config/sagemaker/config.yaml")
    for name, value in {
        "SAGEMAKER_ADMIN_CONFIG_OVERRIDE": config,
        "SAGEMAKER_USER_CONFIG_OVERRIDE": config,
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    # Unset, as in Studio (the notebook's helper sets it), and unset again afterwards.
    monkeypatch.setenv("SAGEMAKER_VALIDATE_ROLE", "unset")
    monkeypatch.delenv("SAGEMAKER_VALIDATE_ROLE")
    starters = home / STARTERS_DIR
    monkeypatch.chdir(starters)
    monkeypatch.syspath_prepend(str(starters))
    for module in STARTER_MODULES:
        monkeypatch.delitem(sys.modules, module, raising=False)
    # The SDK sleeps before it first asks whether a job is done; moto answers at once.
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with mock_aws():
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
        yield calls, json.loads((starters / "context.json").read_text())


# botocore's service names -> the VPC endpoint names of platform_config/reachability.py.
ENDPOINT_NAMES = {
    "sagemaker": "sagemaker.api",
    "sagemaker-featurestore-runtime": "sagemaker.featurestore-runtime",
}


def assert_reachable_from_studio(calls: Calls, *, feature_store: bool = False) -> None:
    """Studio has no route out: every service a notebook called has its endpoint in the dev VPC."""
    reachable = {
        service
        for workflow in reachability.WORKFLOWS
        if workflow.vpc == "dev" and (feature_store or not workflow.needs_feature_store)
        for service in workflow.services
    }
    called = {ENDPOINT_NAMES.get(service, service) for service, _, _ in calls}
    assert called <= reachable, f"unreachable from Studio: {sorted(called - reachable)}"


def seed(context: dict) -> None:
    """What the deployed platform has: its buckets, the sample in the raw bucket, the group."""
    s3 = boto3.client("s3")
    for bucket in context["buckets"].values():
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    project = context["projects"][0]
    s3.put_object(
        Bucket=context["buckets"]["raw-data"],
        Key=f"{project['name']}/input/churn.csv",
        Body=SAMPLE.read_bytes(),
    )
    boto3.client("sagemaker").create_model_package_group(ModelPackageGroupName=project["package_group"])


def run_notebook(home: Path, persona: str) -> dict:
    """Every code cell of the notebook Studio opens, in order, in one namespace."""
    notebook = json.loads((home / STARTERS_DIR / f"{persona.replace('-', '_')}.ipynb").read_text())
    namespace: dict = {"__name__": "__main__"}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), persona, "exec"), namespace)
    return namespace


# The platform's resources, as the synthesized templates name them (through the lifecycle script).
DATA_KEY, ARTIFACTS_KEY = ":key/StorageDataKey", ":key/StorageModelArtifactsKey"
JOB_SUBNETS, JOB_SECURITY_GROUP = "subnet-VpcJobsSubnet", "sg-VpcJobsSecurityGr"


def assert_platform_tags(tags: list[dict], persona: str) -> None:
    assert {t["Key"]: t["Value"] for t in tags} == {
        "project": "mlplatform",
        "account-role": "dev",
        "cost-centre": "cc-0000-ml",
        "persona": persona,
    }


def assert_in_the_vpc(vpc: dict) -> None:
    assert vpc["Subnets"] and all(s.startswith(JOB_SUBNETS) for s in vpc["Subnets"]), vpc
    assert vpc["SecurityGroupIds"] and all(g.startswith(JOB_SECURITY_GROUP) for g in vpc["SecurityGroupIds"])


def test_data_engineer_writes_pii_free_parquet_with_a_compliant_processing_job(studio_homes, monkeypatch):
    with studio(studio_homes["data-engineer"], monkeypatch) as (calls, context):
        seed(context)
        namespace = run_notebook(studio_homes["data-engineer"], "data-engineer")
    assert_reachable_from_studio(calls)
    pii = context["projects"][0]["pii_columns"]
    assert len(namespace["raw"]) == 600 and not set(pii) & set(namespace["clean"].columns)
    (job,) = calls.of("CreateProcessingJob")
    assert job["ProcessingJobName"].startswith("mlplatform-")
    network = job["NetworkConfig"]
    assert network["EnableNetworkIsolation"] and network["EnableInterContainerTrafficEncryption"]
    assert_in_the_vpc(network["VpcConfig"])
    assert DATA_KEY in job["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"]
    assert DATA_KEY in job["ProcessingOutputConfig"]["KmsKeyId"]
    (output,) = job["ProcessingOutputConfig"]["Outputs"]
    assert output["S3Output"]["S3Uri"].startswith(f"s3://{context['buckets']['processed-data']}/")
    assert job["RoleArn"].endswith(":role/mlplatform-data-engineer")
    assert_platform_tags(job["Tags"], "data-engineer")
    assert job["AppSpecification"]["ContainerArguments"] == ["--pii-columns", ",".join(pii)]
    assert not calls.of("CreateFeatureGroup"), "Feature Store is off in the example"


def test_the_data_engineers_job_script_drops_pii_into_parquet(studio_homes, tmp_path, monkeypatch):
    """The job the notebook starts, run here for real on the sample: the pipeline's PII code."""
    import pandas as pd

    starters = studio_homes["data-engineer"] / STARTERS_DIR / "jobs"
    monkeypatch.syspath_prepend(str(starters))
    for module in STARTER_MODULES:
        monkeypatch.delitem(sys.modules, module, raising=False)
    import to_parquet  # type: ignore[import-not-found]

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "churn.csv").write_bytes(SAMPLE.read_bytes())
    to_parquet.main(
        [
            "--input-dir",
            str(tmp_path / "raw"),
            "--output-dir",
            str(tmp_path / "out"),
            "--pii-columns",
            "customer_name,email,phone",
        ]
    )
    written = pd.read_parquet(tmp_path / "out" / "data.parquet")
    assert len(written) == 600 and not {"customer_name", "email", "phone"} & set(written.columns)


def test_data_scientist_trains_locally_and_as_a_compliant_job_then_registers_pending(
    studio_homes, monkeypatch
):
    import pandas as pd

    with studio(studio_homes["data-scientist"], monkeypatch) as (calls, context):
        seed(context)
        project = context["projects"][0]
        for script in ("preprocess.py", "evaluate.py"):  # as the model-build stack uploads them
            boto3.client("s3").put_object(
                Bucket=context["buckets"]["model-artifacts"],
                Key=f"{project['code_prefix']}/{script}",
                Body=(SCRIPTS / script).read_bytes(),
            )
        # What the data engineer's starter leaves in the processed-data bucket.
        parquet = io.BytesIO()
        pd.read_csv(SAMPLE).drop(columns=project["pii_columns"]).to_parquet(parquet, index=False)
        boto3.client("s3").put_object(
            Bucket=context["buckets"]["processed-data"],
            Key=f"{project['name']}/parquet/data.parquet",
            Body=parquet.getvalue(),
        )
        namespace = run_notebook(studio_homes["data-scientist"], "data-scientist")
    assert_reachable_from_studio(calls)
    project = context["projects"][0]
    # Local training ran for real, on the sample, and scores well above chance.
    assert namespace["report"]["quality"]["metric"] == project["quality_metric"]
    assert namespace["report"]["quality"]["value"] > 0.7
    (job,) = calls.of("CreateTrainingJob")
    assert job["TrainingJobName"].startswith("mlplatform-")
    assert job["EnableNetworkIsolation"] and job["EnableInterContainerTrafficEncryption"]
    assert_in_the_vpc(job["VpcConfig"])
    assert DATA_KEY in job["ResourceConfig"]["VolumeKmsKeyId"]
    assert ARTIFACTS_KEY in job["OutputDataConfig"]["KmsKeyId"]
    assert job["OutputDataConfig"]["S3OutputPath"].startswith(
        f"s3://{context['buckets']['model-artifacts']}/"
    )
    assert job["RoleArn"].endswith(":role/mlplatform-data-scientist")
    assert_platform_tags(job["Tags"], "data-scientist")
    assert calls.of("CreateExperiment") and calls.of("CreateTrialComponent")
    (package,) = calls.of("CreateModelPackage")
    assert package["ModelPackageGroupName"] == project["package_group"]
    assert package["ModelApprovalStatus"] == "PendingManualApproval"


def register_pending(context: dict) -> str:
    """A version as the model-build pipeline registers it: pending, with its evaluation report."""
    project, bucket = context["projects"][0], context["buckets"]["model-artifacts"]
    key = f"{project['name']}/model-build/execution-1/evaluation/evaluation.json"
    report = {"quality": {"metric": project["quality_metric"], "value": 0.91}}
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=json.dumps(report).encode())
    return boto3.client("sagemaker").create_model_package(
        ModelPackageGroupName=project["package_group"],
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": context["images"]["scikit-learn"]}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        ModelMetrics={
            "ModelQuality": {
                "Statistics": {"ContentType": "application/json", "S3Uri": f"s3://{bucket}/{key}"}
            }
        },
    )["ModelPackageArn"]


def test_mlops_engineer_starts_and_follows_the_pipeline_and_reads_promotion(studio_homes, monkeypatch):
    with studio(studio_homes["mlops-engineer"], monkeypatch) as (calls, context):
        seed(context)
        project = context["projects"][0]
        boto3.client("sagemaker").create_pipeline(
            PipelineName=project["model_build_pipeline"],
            PipelineDefinition="{}",
            RoleArn="arn:aws:iam::111111111111:role/mlplatform-churn-model-build",
        )
        register_pending(context)
        namespace = run_notebook(studio_homes["mlops-engineer"], "mlops-engineer")
    assert_reachable_from_studio(calls)
    (start,) = calls.of("StartPipelineExecution")
    assert start["PipelineName"] == project["model_build_pipeline"]
    assert "PipelineParameters" not in start, "the deployed defaults, not the notebook's"
    assert calls.of("ListPipelineExecutionSteps")[0]["PipelineExecutionArn"] == namespace["arn"]
    assert namespace["metrics"]["quality"]["value"] == 0.91
    (state,) = calls.of("GetPipelineState")
    assert state["name"] == project["promotion_pipeline"]
    assert not calls.of("UpdateModelPackage") and not calls.of("PutApprovalResult")


def test_compliance_officer_reviews_approves_and_answers_the_gate(studio_homes, monkeypatch):
    with studio(studio_homes["compliance-officer"], monkeypatch) as (calls, context):
        seed(context)
        arn = register_pending(context)
        namespace = run_notebook(studio_homes["compliance-officer"], "compliance-officer")
        approved = boto3.client("sagemaker").describe_model_package(ModelPackageName=arn)
    assert_reachable_from_studio(calls)
    project = context["projects"][0]
    (listed,) = calls.of("ListModelPackages")
    assert listed == {
        "ModelPackageGroupName": project["package_group"],
        "ModelApprovalStatus": "PendingManualApproval",
    }
    assert namespace["version"]["ModelPackageArn"] == arn
    (update,) = calls.of("UpdateModelPackage")
    assert update["ModelApprovalStatus"] == "Approved" and update["ApprovalDescription"]
    assert approved["ModelApprovalStatus"] == "Approved"
    (gate,) = calls.of("PutApprovalResult")
    assert gate["pipelineName"] == project["promotion_pipeline"] and gate["stageName"] == "ApproveForProd"
    assert gate["token"] == "gate-token" and gate["result"]["status"] == "Approved"


def test_the_pipeline_the_mlops_engineer_starts_runs_its_jobs_inside_the_guardrails(
    synthesized, studio_homes
):
    """StartPipelineExecution carries only a name: what it starts is the deployed definition, whose
    every job runs in the VPC, with the platform's keys, as the project's model-build role."""
    from compliance.iam.resolve import AssemblyValues

    context = json.loads((studio_homes["mlops-engineer"] / STARTERS_DIR / "context.json").read_text())
    name = context["projects"][0]["model_build_pipeline"]
    stack = synthesized[f"dev/ModelBuild-{context['projects'][0]['name']}"]
    (pipeline,) = [
        r
        for r in stack.template["Resources"].values()
        if r["Type"] == "AWS::SageMaker::Pipeline" and r["Properties"]["PipelineName"] == name
    ]
    values = AssemblyValues(list(synthesized.values()))
    definition = json.loads(
        values.render(stack, pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"])
    )
    role = values.render(stack, pipeline["Properties"]["RoleArn"])
    defaults = {p["Name"]: p.get("DefaultValue") for p in definition["Parameters"]}

    def value(v):  # a parameter's deployed default
        return defaults[v["Get"].removeprefix("Parameters.")] if isinstance(v, dict) else v

    steps = {
        s["Name"]: s["Arguments"] for s in definition["Steps"] if s["Type"] in ("Processing", "Training")
    }
    assert set(steps) == {"Preprocess", "Train", "Evaluate", "ClarifyConfig"}
    jobs = list(steps.values())
    for job in jobs:
        vpc = job.get("VpcConfig") or job["NetworkConfig"]["VpcConfig"]
        assert vpc["Subnets"] and all(s.startswith(JOB_SUBNETS) for s in vpc["Subnets"])
        resources = job.get("ResourceConfig") or job["ProcessingResources"]["ClusterConfig"]
        assert DATA_KEY in value(resources["VolumeKmsKeyId"])
        assert job["RoleArn"] == role
    assert {t["Key"] for t in pipeline["Properties"]["Tags"]} >= {"project", "account-role", "cost-centre"}


def test_with_feature_store_the_data_engineer_creates_an_encrypted_group(studio_homes, tmp_path, monkeypatch):
    """As with `studio.feature_store = true`: the defaults file gains `SageMaker.FeatureGroup`."""
    home = tmp_path / "home"
    shutil.copytree(studio_homes["data-engineer"], home)
    for path in home.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    config_file = home / ".config/sagemaker/config.yaml"
    processing = yaml.safe_load(config_file.read_text())["SageMaker"]["ProcessingJob"]
    defaults = PersonaDefaults(
        role_arn=processing["RoleArn"],
        bucket="unused-bucket",
        prefix="unused",
        tags={},
        placement=JobPlacement(["subnet-a"], ["sg-a"]),
        volume_key_arn=processing["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"],
        output_key_arn=processing["ProcessingOutputConfig"]["KmsKeyId"],
        feature_store=True,
    )
    written = yaml.safe_load(config_file.read_text())
    written["SageMaker"]["FeatureGroup"] = sdk_defaults(defaults)["SageMaker"]["FeatureGroup"]
    config_file.write_text(json.dumps(written))
    context_file = home / STARTERS_DIR / "context.json"
    context_file.write_text(json.dumps({**json.loads(context_file.read_text()), "feature_store": True}))
    with studio(home, monkeypatch) as (calls, context):
        seed(context)
        run_notebook(home, "data-engineer")
    assert_reachable_from_studio(calls, feature_store=True)
    (group,) = calls.of("CreateFeatureGroup")
    assert group["FeatureGroupName"].startswith("mlplatform-")
    assert group["RoleArn"].endswith(":role/mlplatform-data-engineer")
    assert DATA_KEY in group["OnlineStoreConfig"]["SecurityConfig"]["KmsKeyId"]
    offline = group["OfflineStoreConfig"]["S3StorageConfig"]
    assert DATA_KEY in offline["KmsKeyId"]
    assert offline["S3Uri"] == f"s3://{context['buckets']['processed-data']}/feature-store/"
    assert not {"customer_name", "email", "phone"} & {f["FeatureName"] for f in group["FeatureDefinitions"]}
    assert len(calls.of("PutRecord")) == 5


def test_without_the_platforms_defaults_the_same_job_would_leave_the_guardrails(studio_homes, monkeypatch):
    """The negative control: the notebook alone names no VPC, key or role, so the defaults file is
    what puts them into the request (the boundary would refuse this job)."""
    home = studio_homes["data-engineer"]
    with studio(home, monkeypatch) as (calls, context):
        empty = home.parent / "empty-sdk-config.yaml"
        empty.write_text(json.dumps({"SchemaVersion": "1.0"}))
        monkeypatch.setenv("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", str(empty))
        monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", str(empty))
        seed(context)
        with pytest.raises(ValueError) as refused:  # the SDK cannot even find a role
            run_notebook(home, "data-engineer")
    assert "role" in str(refused.value)
    assert not calls.of("CreateProcessingJob")
