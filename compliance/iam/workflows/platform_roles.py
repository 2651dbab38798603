"""What the platform's own roles call: the model-build pipeline, the served model in test and prod,
the promotion pipeline's steps and check roles, and the promotion functions."""

from __future__ import annotations

from compliance.iam.platform import EXECUTION, Platform
from compliance.iam.workflows.calls import (
    APPROVAL_ACTIONS,
    APPROVE,
    ASSUME_ROLE,
    CODEBUILD_ROLE,
    CODEPIPELINE_ACTIONS,
    CREATE_MODEL,
    CROSS_ACCOUNT_PACKAGE,
    DATA_CAPTURE,
    HOST_VPC,
    IDEMPOTENCY,
    LAMBDA_DLQ,
    LAMBDA_LOGS,
    LIFECYCLE,
    LOCKED,
    MODEL_CARD,
    MODEL_MONITOR,
    MONITOR,
    S3_KMS,
    SCIKIT_LEARN,
    SQS_KMS,
    XGBOOST,
    Call,
    Job,
    call,
    images,
    job_calls,
    logs,
    network_interfaces,
    volume_key,
)
from compliance.iam.workflows.personas import register_pending
from platform_config import naming


def model_build(p: Platform) -> list[Call]:
    """The pipeline's steps, as its role (`pipelines/model_build.py`): preprocess, train, evaluate,
    baseline, register pending. Volumes use the data key; splits stay in processed data under it."""
    role = p.role_arn(naming.model_build_role(p.name, p.project))
    code = (p.bucket("model-artifacts"), f"{p.project}/code/preprocess.py", p.artifacts_key)
    split = (p.run("processed-data", "train/train.csv"), p.data_key)
    model = (p.run("model-artifacts", "model/train/output/model.tar.gz"), p.artifacts_key)

    def job(kind: str, step: str, reads, writes, image: str) -> Job:
        return Job(kind, f"pipelines-{EXECUTION}-{step}-0123456789", role, p.data_key, reads, writes, image)

    def under(path: str, key: str) -> tuple[str, str, str]:
        bucket, obj = path.removeprefix("arn:aws:s3:::").split("/", 1)
        return f"arn:aws:s3:::{bucket}", obj, key

    steps = [
        job(
            "Processing",
            "Preprocess",
            (code, (p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key)),
            (under(*split),),
            SCIKIT_LEARN,
        ),
        job("Training", "Train", (under(*split),), (under(*model),), XGBOOST),
        job(
            "Processing",
            "Evaluate",
            (code, under(*model)),
            (under(p.run("model-artifacts", "evaluation/evaluation.json"), p.artifacts_key),),
            XGBOOST,
        ),
        job(
            "Processing",
            "Baseline",
            (under(*split),),
            (under(p.run("model-artifacts", "data-quality-baseline/statistics.json"), p.artifacts_key),),
            MODEL_MONITOR,
        ),
    ]
    return [*(c for step in steps for c in job_calls(p, step)), *register_pending(p)]


def _model_container(p: Platform, role: str) -> list[Call]:
    """The served model, as its role: its image, its artifact from dev's bucket under dev's key."""
    account = p.accounts[role]
    artifact = p.run("model-artifacts", "model/train/output/model.tar.gz")
    endpoint = naming.endpoint(p.name, p.project, role)
    return [
        *images(p.region, XGBOOST),
        call("s3:GetObject", artifact, source=f"{CREATE_MODEL} {CROSS_ACCOUNT_PACKAGE}"),
        call(
            "kms:Decrypt",
            p.artifacts_key,
            source=f"{S3_KMS} {CROSS_ACCOUNT_PACKAGE}",
            kms__ViaService=f"s3.{p.region}.amazonaws.com",
        ),
        *logs(
            p.region,
            account,
            f"/aws/sagemaker/Endpoints/{endpoint}",
            "AllTraffic/i-0123456789abcdef0",
            CREATE_MODEL,
        ),
    ]


def model_in_test(p: Platform) -> list[Call]:
    return _model_container(p, "test")


def model_in_prod(p: Platform) -> list[Call]:
    """Prod also runs in the VPC with a KMS-encrypted volume, captures data, and runs Model Monitor."""
    account = p.accounts["prod"]
    vpc, subnets, groups = p.network("prod")
    serving_key = p.key("prod-ServingFoundation", "ServingKey")
    monitor = p.bucket("model-monitor", account)
    return [
        *_model_container(p, "prod"),
        *network_interfaces(p.region, account, vpc, subnets, groups, HOST_VPC),
        volume_key(serving_key, p.region, HOST_VPC),
        call(
            "s3:PutObject",
            f"{monitor}/{p.project}/capture/AllTraffic/2026/01/01/00/capture.jsonl",
            source=DATA_CAPTURE,
        ),
        call(
            "kms:GenerateDataKey",
            serving_key,
            source=DATA_CAPTURE,
            kms__ViaService=f"s3.{p.region}.amazonaws.com",
        ),
        call("s3:ListBucket", monitor, source=MONITOR, s3__prefix=f"{p.project}/capture/"),
        call(
            "s3:GetObject",
            f"{monitor}/{p.project}/capture/AllTraffic/2026/01/01/00/capture.jsonl",
            source=MONITOR,
        ),
        call("kms:Decrypt", serving_key, source=MONITOR, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        call(
            "s3:PutObject",
            f"{monitor}/{p.project}/reports/2026/01/01/00/constraint_violations.json",
            source=MONITOR,
        ),
        call(
            "s3:GetObject", p.run("model-artifacts", "data-quality-baseline/statistics.json"), source=MONITOR
        ),
        call(
            "cloudwatch:PutMetricData",
            "*",
            source=MONITOR,
            cloudwatch__namespace="aws/sagemaker/Endpoints/data-metrics",
        ),
        *images(p.region, MODEL_MONITOR),
    ]


def promotion_steps(p: Platform) -> list[Call]:
    """The promotion pipeline's CodeBuild steps: logs, artifacts, resolving the package, and assuming
    the check roles of test and prod."""
    (project,) = p.model.physical_names(f"dev-Promotion-{p.project}", "AWS::CodeBuild::Project")
    (bucket,) = p.model.physical_names(f"dev-Promotion-{p.project}", "AWS::S3::Bucket", "PromotionArtifacts")
    promotion_key = p.key("dev-Promotion", "PromotionKey")
    artifact = f"arn:aws:s3:::{bucket}/{naming.promotion_pipeline(p.name, p.project)}/Source/templates.zip"
    metrics = p.run("model-artifacts", "evaluation/evaluation.json")
    return [
        *logs(p.region, p.dev, f"/aws/codebuild/{project}", "0123-4567", CODEBUILD_ROLE),
        call("s3:GetObject", artifact, source=CODEBUILD_ROLE),
        call("s3:PutObject", artifact, source=CODEBUILD_ROLE),
        call("kms:Decrypt", promotion_key, source=CODEBUILD_ROLE),
        call("kms:GenerateDataKey", promotion_key, source=CODEBUILD_ROLE),
        call("sagemaker:DescribeModelPackage", p.package, source=CROSS_ACCOUNT_PACKAGE),
        call("sagemaker:ListModelPackages", "*", source=LIFECYCLE),
        *(
            Call(
                "sagemaker:UpdateModelPackage",
                (p.package,),
                LIFECYCLE,
                {"sagemaker:ModelLifeCycle:Stage": stage},
            )
            for stage in naming.LIFECYCLE_STAGES
        ),
        call("s3:GetObject", metrics, source=APPROVE),
        call("kms:Decrypt", p.artifacts_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
        *(
            call(
                "sts:AssumeRole",
                p.role_arn(naming.promotion_check_role(p.name, p.project, role), p.accounts[role]),
                source=ASSUME_ROLE,
            )
            for role in ("test", "prod")
        ),
    ]


def _check(p: Platform, role: str) -> list[Call]:
    account = p.accounts[role]
    endpoint = p.sagemaker(f"endpoint/{naming.endpoint(p.name, p.project, role)}", account)
    calls = [
        call("sagemaker:DescribeEndpoint", endpoint, source=CODEBUILD_ROLE),
        call(
            "sagemaker:DescribeEndpointConfig",
            p.sagemaker("endpoint-config/serving-config-1", account),
            source=CODEBUILD_ROLE,
        ),
        call("sagemaker:DescribeModel", p.sagemaker("model/serving-model-1", account), source=CODEBUILD_ROLE),
    ]
    return (
        [*calls, call("sagemaker:InvokeEndpoint", endpoint, source=CODEBUILD_ROLE)]
        if role == "test"
        else calls
    )


def check_in_test(p: Platform) -> list[Call]:
    return _check(p, "test")


def check_in_prod(p: Platform) -> list[Call]:
    return _check(p, "prod")


def _function(p: Platform, prefix: str) -> list[Call]:
    """A promotion function's own log group and dead-letter queue (encrypted with the promotion key)."""
    (group,) = p.model.physical_names("dev-Promotion", "AWS::Logs::LogGroup", f"{prefix}Logs")
    (queue,) = p.model.arns("dev-Promotion", "AWS::SQS::Queue", f"{prefix}DeadLetters")
    log_group = f"arn:aws:logs:{p.region}:{p.dev}:log-group:{group}"
    promotion_key = p.key("dev-Promotion", "PromotionKey")
    return [
        call("logs:CreateLogStream", f"{log_group}:log-stream:2026/01/01/[$LATEST]0123", source=LAMBDA_LOGS),
        call("logs:PutLogEvents", f"{log_group}:log-stream:2026/01/01/[$LATEST]0123", source=LAMBDA_LOGS),
        call("sqs:SendMessage", queue, source=LAMBDA_DLQ),
        call("kms:GenerateDataKey", promotion_key, source=SQS_KMS),
        call("kms:Decrypt", promotion_key, source=SQS_KMS),
    ]


def promotion_trigger(p: Platform) -> list[Call]:
    (table,) = p.model.arns("dev-Promotion", "AWS::DynamoDB::GlobalTable", "TriggerIdempotency")
    return [
        *_function(p, "TriggerHandler"),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:StartPipelineExecution", p.promotion_pipeline, source=CODEPIPELINE_ACTIONS),
        *(
            call(f"dynamodb:{a}", table, source=IDEMPOTENCY)
            for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
        ),
    ]


def audit_trail(p: Platform) -> list[Call]:
    return [
        *_function(p, "AuditTrailRecorder"),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:ListActionExecutions", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("codepipeline:GetPipelineExecution", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call(
            "dynamodb:PutItem",
            p.audit_table,
            source="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html",
        ),
        # The decision into the model card: an update naming neither approval status nor stage.
        call("sagemaker:UpdateModelPackage", p.package, source=MODEL_CARD),
        call("s3:PutObject", f"{p.bucket('audit-records')}/decisions/{p.project}/record.json", source=LOCKED),
        call("kms:GenerateDataKey", p.key("dev-Promotion", "PromotionKey"), source=S3_KMS),
    ]
