"""What the platform's own roles call: the model-build pipeline, the served model in test and prod,
the promotion pipeline's steps and check roles, the promotion functions, the retraining loop's
function and prod's replication of its feedback into dev."""

from __future__ import annotations

from compliance.iam.platform import EXECUTION, Platform
from compliance.iam.workflows.calls import (
    APPROVAL_ACTIONS,
    APPROVE,
    ASSUME_ROLE,
    CLARIFY,
    CLARIFY_JOB,
    CLARIFY_MONITOR,
    CODEBUILD_ROLE,
    CODEPIPELINE_ACTIONS,
    CREATE_MODEL,
    CROSS_ACCOUNT_PACKAGE,
    DATA_CAPTURE,
    GROUND_TRUTH,
    HOST_VPC,
    IDEMPOTENCY,
    LAMBDA_DLQ,
    LAMBDA_LOGS,
    LIFECYCLE,
    LIST_OBJECTS,
    LOCKED,
    MANIFEST_INPUT,
    MODEL_CARD,
    MODEL_MONITOR,
    MONITOR,
    PIPELINES,
    PUT_OBJECT,
    REPLICATION,
    REPLICATION_KMS,
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
        job(
            "Processing",
            "ClarifyConfig",
            (code, under(p.run("processed-data", "baseline/baseline.csv"), p.data_key)),
            (under(p.run("model-artifacts", "model-bias/config/analysis_config.json"), p.artifacts_key),),
            SCIKIT_LEARN,
        ),
        *(
            job(
                "Processing",
                check,
                (
                    under(p.run("model-artifacts", f"{output}/config/analysis_config.json"), p.artifacts_key),
                    under(p.run("processed-data", "test/test.csv"), p.data_key),
                ),
                (under(p.run("model-artifacts", f"{output}/report/analysis.json"), p.artifacts_key),),
                CLARIFY,
            )
            for check, output in (
                ("ModelBias", "model-bias"),
                ("ModelExplainability", "model-explainability"),
            )
        ),
    ]
    return [
        *(c for step in steps for c in job_calls(p, step)),
        *_clarify_model(p, role),
        *fresh_data_reads(p),
        *register_pending(p),
    ]


def _clarify_model(p: Platform, role: str) -> list[Call]:
    """CreateModel of the trained artifact, and the shadow endpoint each Clarify job starts of it
    (Clarify's default endpoint name prefix, `sagemaker-clarify-endpoint`), from inside the dev VPC."""
    model = p.sagemaker(f"model/pipelines-{EXECUTION}-CreateModel-0123456789")
    endpoint, config = (
        p.sagemaker(f"{kind}/sagemaker-clarify-endpoint-0123456789")
        for kind in ("endpoint", "endpoint-config")
    )
    return [
        call("sagemaker:CreateModel", model, source=CLARIFY_JOB, sagemaker__NetworkIsolation="true"),
        call("sagemaker:AddTags", model, source=CLARIFY_JOB),
        call("iam:PassRole", role, source=CLARIFY_JOB, iam__PassedToService="sagemaker.amazonaws.com"),
        *(
            call(f"sagemaker:{action}EndpointConfig", config, source=CLARIFY_JOB)
            for action in ("Create", "Describe", "Delete")
        ),
        *(
            call(f"sagemaker:{action}Endpoint", endpoint, source=CLARIFY_JOB)
            for action in ("Create", "Describe", "Delete")
        ),
        call("sagemaker:InvokeEndpoint", endpoint, source=CLARIFY_JOB),
    ]


def _feedback_samples(p: Platform) -> tuple[str, str]:
    """A capture file and a label file, as prod writes them (Model Monitor's capture layout, the
    labels' hourly folders) under the project's feedback prefixes."""
    capture, labels = naming.feedback_prefixes(p.name, p.project)
    return f"{capture}AllTraffic/2026/01/01/00/capture.jsonl", f"{labels}2026/01/01/01/labels.jsonl"


def fresh_data_reads(p: Platform) -> list[Call]:
    """Preprocess downloads the objects its feedback manifest lists (S3DataType ManifestFile: each
    key, no listing): the manifest, and prod's captures and labels replicated into dev."""
    feedback = p.bucket("prod-feedback")
    objects = (f"{naming.feedback_manifests(p.project)}/no-fresh-data.manifest", *_feedback_samples(p))
    return [
        *(call("s3:GetObject", f"{feedback}/{key}", source=MANIFEST_INPUT) for key in objects),
        call("kms:Decrypt", p.data_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
    ]


def retraining_function(p: Platform) -> list[Call]:
    """The retraining loop's function (`retraining_loop/runtime/retrain.py`): its window, the keys of
    prod's fresh data, the run's manifest, and the start of the project's model-build pipeline."""
    (table,) = p.model.arns("dev-RetrainingLoop", "AWS::DynamoDB::GlobalTable", "Windows")
    feedback, (capture, labels) = p.bucket("prod-feedback"), naming.feedback_prefixes(p.name, p.project)
    dynamodb = (
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html"
    )
    return [
        *(call(f"dynamodb:{verb}Item", table, source=dynamodb) for verb in ("Get", "Put", "Delete")),
        *(
            call("s3:ListBucket", feedback, source=LIST_OBJECTS, s3__prefix=prefix)
            for prefix in (capture, f"{capture}AllTraffic/", labels)
        ),
        call(
            "s3:PutObject",
            f"{feedback}/{naming.feedback_manifests(p.project)}/run.manifest",
            source=PUT_OBJECT,
        ),
        call(
            "kms:GenerateDataKey", p.data_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"
        ),
        call(
            "sagemaker:StartPipelineExecution",
            p.sagemaker(f"pipeline/{naming.model_build_pipeline(p.name, p.project)}"),
            source=PIPELINES,
        ),
    ]


def feedback_replication(p: Platform) -> list[Call]:
    """S3 replication as prod's role: read the capture and label versions (serving key), write the
    replicas into dev's prod-feedback bucket (dev's data key); cross-account, so dev's bucket and key
    policies must allow it too (S3 User Guide, replication-walkthrough-2, replication-config-for-kms-objects)."""
    prod_region = p.config.accounts.prod.region
    monitor = p.bucket("model-monitor", p.accounts["prod"])
    serving_key = p.key("prod-ServingFoundation", "ServingKey")
    objects = _feedback_samples(p)
    return [
        call("s3:GetReplicationConfiguration", monitor, source=REPLICATION),
        call("s3:ListBucket", monitor, source=REPLICATION),
        *(
            call(action, f"{monitor}/{key}", source=REPLICATION)
            for key in objects
            for action in (
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
            )
        ),
        call(
            "kms:Decrypt",
            serving_key,
            source=REPLICATION_KMS,
            kms__ViaService=f"s3.{prod_region}.amazonaws.com",
        ),
        *(
            call(action, f"{p.bucket('prod-feedback')}/{key}", source=REPLICATION)
            for key in objects
            for action in ("s3:ReplicateObject", "s3:ReplicateTags")
        ),
        call(
            "kms:Encrypt", p.data_key, source=REPLICATION_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"
        ),
    ]


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
        *_quality_and_clarify_monitors(p, monitor),
    ]


def _quality_and_clarify_monitors(p: Platform, monitor: str) -> list[Call]:
    """Model quality and bias read the labels; all three read the baselines registered with the package
    in dev (through S3, under dev's artifacts key); the Clarify monitors run the Clarify image."""
    labels = naming.ground_truth_prefix(naming.endpoint(p.name, p.project, "prod"))
    return [
        call("s3:ListBucket", monitor, source=GROUND_TRUTH, s3__prefix=f"{labels}/"),
        call(
            "s3:GetObject",
            f"{monitor}/{labels}/2026/01/01/00/labels-0123456789abcdef.jsonl",
            source=GROUND_TRUTH,
        ),
        *(
            call("s3:GetObject", p.run("model-artifacts", path), source=CLARIFY_MONITOR)
            for path in (
                "model-quality-baseline/constraints.json",
                "model-bias/config/analysis_config.json",
                "model-bias/report/analysis.json",
                "model-explainability/config/analysis_config.json",
                "model-explainability/report/analysis.json",
            )
        ),
        *(
            call("cloudwatch:PutMetricData", "*", source=CLARIFY_MONITOR, cloudwatch__namespace=namespace)
            for namespace in (
                "aws/sagemaker/Endpoints/model-metrics",
                "aws/sagemaker/Endpoints/bias-metrics",
                "aws/sagemaker/Endpoints/explainability-metrics",
            )
        ),
        *images(p.region, CLARIFY),
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
