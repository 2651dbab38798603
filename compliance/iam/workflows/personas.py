"""What each persona's documented workflows call, as its Studio execution role."""

from __future__ import annotations

from compliance.iam.platform import EXECUTION, Platform
from compliance.iam.workflows.calls import (
    APPROVAL_ACTIONS,
    APPROVE,
    CODEPIPELINE_ACTIONS,
    CUSTOM_TAGS,
    DATA_WRANGLER,
    DATA_WRANGLER_IMAGE,
    DOMAIN_KEY,
    DYNAMODB_QUERY,
    EXPERIMENTS,
    FEATURE_GROUP_API,
    FEATURE_RECORDS,
    FEATURE_STORE,
    LINEAGE,
    LOCKED,
    PIPELINES,
    REGISTER,
    S3_GET_OBJECT,
    S3_KMS,
    SAGEMAKER_ACTIONS,
    SCIKIT_LEARN,
    STUDIO_SPACES,
    XGBOOST,
    Call,
    Job,
    call,
    job_calls,
    s3_read,
    volume_key,
)
from platform_config import naming


def studio(p: Platform, persona: str) -> list[Call]:
    """A person's private JupyterLab space in the VpcOnly domain, whose EFS is encrypted with the
    data key and whose tags propagate to what Studio creates."""
    profile = p.profile(persona)
    space = p.sagemaker(f"space/{p.domain_id}/{profile}-space")
    app = p.sagemaker(f"app/{p.domain_id}/{profile}-space/jupyterlab/default")
    return [
        call("sagemaker:DescribeDomain", p.sagemaker(f"domain/{p.domain_id}"), source=STUDIO_SPACES),
        call(
            "sagemaker:DescribeUserProfile",
            p.sagemaker(f"user-profile/{p.domain_id}/{profile}"),
            source=STUDIO_SPACES,
        ),
        call("sagemaker:ListSpaces", "*", source=STUDIO_SPACES),
        call("sagemaker:CreateSpace", space, source=STUDIO_SPACES),
        call("sagemaker:AddTags", space, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        call("sagemaker:DescribeSpace", space, source=STUDIO_SPACES),
        call("sagemaker:CreateApp", app, source=STUDIO_SPACES),
        call("sagemaker:AddTags", app, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        call("sagemaker:DescribeApp", app, source=STUDIO_SPACES),
        call("sagemaker:ListApps", "*", source=STUDIO_SPACES),
        call("kms:DescribeKey", p.data_key, source=DOMAIN_KEY),
        volume_key(p.data_key, p.region, DOMAIN_KEY),
    ]


def data_engineer_processing(p: Platform) -> list[Call]:
    role = p.role_arn(naming.persona_role(p.name, "data-engineer"))
    job = Job(
        "Processing",
        f"{p.name}-clean-{p.project}",
        role,
        p.data_key,
        reads=((p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key),),
        writes=((p.bucket("processed-data"), f"{p.project}/clean/part-0.csv", p.data_key),),
        image=SCIKIT_LEARN,
    )
    return job_calls(p, job)


def data_engineer_feature_store(p: Platform) -> list[Call]:
    """A feature group with an offline store in the processed-data bucket, and its records."""
    group = p.sagemaker(f"feature-group/{p.name}-{p.project}-features")
    bucket = p.bucket("processed-data")
    glue = f"arn:aws:glue:{p.region}:{p.dev}"
    table = f"{glue}:table/sagemaker_featurestore/{p.name}_{p.project}_features_1700000000"
    return [
        call("sagemaker:CreateFeatureGroup", group, source=FEATURE_GROUP_API),
        call("sagemaker:AddTags", group, source=SAGEMAKER_ACTIONS),
        call(
            "iam:PassRole",
            p.role_arn(naming.persona_role(p.name, "data-engineer")),
            source=FEATURE_GROUP_API,
            iam__PassedToService="sagemaker.amazonaws.com",
        ),
        call("sagemaker:DescribeFeatureGroup", group, source=FEATURE_GROUP_API),
        call("sagemaker:PutRecord", group, source=FEATURE_RECORDS),
        call("sagemaker:GetRecord", group, source=FEATURE_RECORDS),
        # The offline store, as the role passed to the feature group (AmazonSageMakerFeatureStoreAccess).
        call(
            "s3:PutObject",
            f"{bucket}/feature-store/{p.dev}/sagemaker/{p.region}/offline-store/data/part.parquet",
            source=FEATURE_STORE,
        ),
        call(
            "s3:PutObjectAcl",
            f"{bucket}/feature-store/{p.dev}/sagemaker/{p.region}/offline-store/data/part.parquet",
            source=FEATURE_STORE,
        ),
        call("s3:GetBucketAcl", bucket, source=FEATURE_STORE),
        call("s3:GetObject", f"{bucket}/feature-store/metadata/manifest.json", source=FEATURE_STORE),
        call(
            "kms:GenerateDataKey", p.data_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"
        ),
        call(
            "glue:GetTable",
            f"{glue}:catalog",
            f"{glue}:database/sagemaker_featurestore",
            table,
            source=FEATURE_STORE,
        ),
        call(
            "glue:UpdateTable",
            f"{glue}:catalog",
            f"{glue}:database/sagemaker_featurestore",
            table,
            source=FEATURE_STORE,
        ),
    ]


def data_engineer_data_wrangler(p: Platform) -> list[Call]:
    """Data Wrangler in Canvas: the Canvas app, reading raw data, and running the flow as a processing
    job with AWS's Data Wrangler image."""
    app = p.sagemaker(f"app/{p.domain_id}/{p.profile('data-engineer')}/canvas/default")
    role = p.role_arn(naming.persona_role(p.name, "data-engineer"))
    job = Job(
        "Processing",
        f"{p.name}-flow-{p.project}",
        role,
        p.data_key,
        reads=((p.bucket("raw-data"), f"{p.project}/input/churn.csv", p.data_key),),
        writes=((p.bucket("processed-data"), f"{p.project}/prepared/part-0.csv", p.data_key),),
        image=DATA_WRANGLER_IMAGE,
    )
    return [
        call("sagemaker:CreateApp", app, source=DATA_WRANGLER),
        call("sagemaker:AddTags", app, source=f"{CUSTOM_TAGS} {SAGEMAKER_ACTIONS}"),
        *s3_read(p.bucket("raw-data"), f"{p.project}/input/churn.csv", f"{p.project}/", p.data_key, p.region),
        *job_calls(p, job),
    ]


def data_scientist_training(p: Platform) -> list[Call]:
    role = p.role_arn(naming.persona_role(p.name, "data-scientist"))
    job = Job(
        "Training",
        f"{p.name}-{p.project}-xgb-1",
        role,
        p.artifacts_key,
        reads=((p.bucket("processed-data"), f"{p.project}/train/train.csv", p.data_key),),
        writes=(
            (
                p.bucket("model-artifacts"),
                f"{p.project}/models/{p.name}-{p.project}-xgb-1/model.tar.gz",
                p.artifacts_key,
            ),
        ),
        image=XGBOOST,
    )
    return job_calls(p, job)


def data_scientist_processing(p: Platform) -> list[Call]:
    role = p.role_arn(naming.persona_role(p.name, "data-scientist"))
    job = Job(
        "Processing",
        f"{p.name}-{p.project}-features-1",
        role,
        p.artifacts_key,
        reads=((p.bucket("processed-data"), f"{p.project}/clean/part-0.csv", p.data_key),),
        writes=((p.bucket("model-artifacts"), f"{p.project}/experiments/features.csv", p.artifacts_key),),
        image=SCIKIT_LEARN,
    )
    return job_calls(p, job)


def data_scientist_experiments(p: Platform) -> list[Call]:
    experiment = p.sagemaker(f"experiment/{p.project}-experiment")
    trial = p.sagemaker(f"experiment-trial/{p.project}-trial-1")
    component = p.sagemaker(f"experiment-trial-component/{p.project}-run-1")
    return [
        call("sagemaker:CreateExperiment", experiment, source=EXPERIMENTS),
        call("sagemaker:CreateTrial", trial, source=EXPERIMENTS),
        call("sagemaker:CreateTrialComponent", component, source=EXPERIMENTS),
        call("sagemaker:AssociateTrialComponent", trial, component, source=EXPERIMENTS),
        call("sagemaker:UpdateTrialComponent", component, source=EXPERIMENTS),
        call("sagemaker:BatchPutMetrics", component, source=EXPERIMENTS),
        call("sagemaker:DescribeTrialComponent", component, source=EXPERIMENTS),
        *(call("sagemaker:AddTags", arn, source=SAGEMAKER_ACTIONS) for arn in (experiment, trial, component)),
    ]


def register_pending(p: Platform) -> list[Call]:
    """A new version of the project's group, registered for approval."""
    group = p.sagemaker(f"model-package-group/{p.group_name}")
    return [
        call(
            "sagemaker:CreateModelPackage",
            group,
            p.sagemaker(f"model-package/{p.group_name}/4"),
            source=REGISTER,
            sagemaker__ModelApprovalStatus="PendingManualApproval",
        ),
    ]


def data_scientist_registry(p: Platform) -> list[Call]:
    """Read the registry, then register."""
    return [
        call(
            "sagemaker:DescribeModelPackageGroup",
            p.sagemaker(f"model-package-group/{p.group_name}"),
            source=REGISTER,
        ),
        call("sagemaker:ListModelPackages", "*", source=REGISTER),
        call("sagemaker:DescribeModelPackage", p.package, source=REGISTER),
        *register_pending(p),
    ]


def mlops_pipelines(p: Platform) -> list[Call]:
    """Start the model-build pipeline, watch its steps, update it (passing its role)."""
    pipeline = p.sagemaker(f"pipeline/{naming.model_build_pipeline(p.name, p.project)}")
    execution = f"{pipeline}/execution/{EXECUTION}"
    return [
        call("sagemaker:StartPipelineExecution", pipeline, source=PIPELINES),
        call("sagemaker:ListPipelineExecutions", pipeline, source=PIPELINES),
        call("sagemaker:DescribePipelineExecution", execution, source=PIPELINES),
        call("sagemaker:ListPipelineExecutionSteps", execution, source=PIPELINES),
        call("sagemaker:UpdatePipeline", pipeline, source=PIPELINES),
        call(
            "iam:PassRole",
            p.role_arn(naming.model_build_role(p.name, p.project)),
            source=PIPELINES,
            iam__PassedToService="sagemaker.amazonaws.com",
        ),
    ]


def cli_rollback(p: Platform) -> list[Call]:
    """mlp-promote rollback: read the version, start the promotion pipeline with it."""
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("codepipeline:StartPipelineExecution", p.promotion_pipeline, source=CODEPIPELINE_ACTIONS),
    ]


def operator_commands_wheel(p: Platform) -> str:
    """The object of the commands' wheel (README, "Operator commands")."""
    wheel = "mlp_operator_commands-1.0.0-py3-none-any.whl"
    return f"{p.bucket('model-artifacts')}/{naming.OPERATOR_COMMANDS_PREFIX}/{wheel}"


def install_operator_commands(p: Platform) -> list[Call]:
    """`aws s3 cp` of the commands' wheel into a Studio space (`pip` then installs it offline)."""
    return [
        call("s3:GetObject", operator_commands_wheel(p), source=S3_GET_OBJECT),
        call("kms:Decrypt", p.artifacts_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
    ]


def cli_history(p: Platform) -> list[Call]:
    return [call("dynamodb:Query", p.audit_table, source=DYNAMODB_QUERY)]


def watch_promotions(p: Platform) -> list[Call]:
    return [
        call(action, p.promotion_pipeline, source=CODEPIPELINE_ACTIONS)
        for action in (
            "codepipeline:GetPipelineState",
            "codepipeline:GetPipelineExecution",
            "codepipeline:ListPipelineExecutions",
        )
    ]


def cli_pending(p: Platform) -> list[Call]:
    """mlp-promote pending: list the group's versions, describe each, read its metrics report."""
    metrics = p.run("model-artifacts", "evaluation/evaluation.json")
    return [
        call("sagemaker:ListModelPackages", "*", source=APPROVE),
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call("s3:GetObject", metrics, source=APPROVE),
        call("kms:Decrypt", p.artifacts_key, source=S3_KMS, kms__ViaService=f"s3.{p.region}.amazonaws.com"),
    ]


def cli_decide(p: Platform) -> list[Call]:
    """mlp-promote approve / reject: describe the version, set its status."""
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call(
            "sagemaker:UpdateModelPackage",
            p.package,
            source=APPROVE,
            sagemaker__ModelApprovalStatus="Approved",
        ),
        call(
            "sagemaker:UpdateModelPackage",
            p.package,
            source=APPROVE,
            sagemaker__ModelApprovalStatus="Rejected",
        ),
    ]


def cli_card(p: Platform) -> list[Call]:
    """mlp-promote card show / export: read the version's card, write it into the audit records."""
    bucket = p.bucket("audit-records")
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=APPROVE),
        call(
            "s3:PutObject", f"{bucket}/model-cards/{p.group_name}/1/2026-12-01T00:00:00Z.json", source=LOCKED
        ),
        Call(
            "kms:GenerateDataKey",
            (p.key("dev-Promotion", "PromotionKey"),),
            S3_KMS,
            {"kms:ViaService": f"s3.{p.region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucket},
        ),
    ]


def cli_gate(p: Platform) -> list[Call]:
    """mlp-promote gate: find the waiting approval and its package, answer it."""
    return [
        call("codepipeline:GetPipelineState", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call("codepipeline:GetPipelineExecution", p.promotion_pipeline, source=APPROVAL_ACTIONS),
        call(
            "codepipeline:PutApprovalResult",
            f"{p.promotion_pipeline}/ApproveForProd/ApproveForProd",
            source=APPROVAL_ACTIONS,
        ),
    ]


def lineage(p: Platform) -> list[Call]:
    """`mlp-lineage` in dev (`lineage/hops.py`, `lineage/lookups.py`): from the package to its
    pipeline run, jobs and data."""
    pipeline = p.sagemaker(f"pipeline/{naming.model_build_pipeline(p.name, p.project)}")
    training = p.sagemaker(f"training-job/pipelines-{EXECUTION}-Train-0123456789")
    return [
        call("sagemaker:DescribeModelPackage", p.package, source=LINEAGE),
        call("sagemaker:ListArtifacts", "*", source=LINEAGE),
        call("sagemaker:QueryLineage", "*", source=LINEAGE),
        call(
            "sagemaker:DescribeTrialComponent",
            p.sagemaker(
                f"experiment-trial-component/pipelines-{EXECUTION}-Train-0123456789-aws-training-job"
            ),
            source=LINEAGE,
        ),
        call("sagemaker:DescribeTrainingJob", training, source=LINEAGE),
        call("sagemaker:ListTags", training, source=LINEAGE),
        call("sagemaker:ListTags", pipeline, source=LINEAGE),
        call("sagemaker:DescribePipeline", pipeline, source=LINEAGE),
        call("sagemaker:DescribePipelineExecution", f"{pipeline}/execution/{EXECUTION}", source=LINEAGE),
        # lineage/stage_history.py: the version's stage history, kept in the audit table.
        call("dynamodb:Query", p.audit_table, source=DYNAMODB_QUERY),
        # lineage/data_versions.py: the object versions of the training and raw data (names and ids).
        call(
            "sagemaker:ListPipelineParametersForExecution",
            f"{pipeline}/execution/{EXECUTION}",
            source=LINEAGE,
        ),
        *(
            call(
                "s3:ListBucketVersions",
                p.bucket(bucket),
                source="https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html",
                s3__prefix=prefix,
            )
            for bucket, prefix in (
                ("processed-data", f"{p.project}/model-build/{EXECUTION}/train"),
                ("raw-data", f"{p.project}/input"),
            )
        ),
    ]
