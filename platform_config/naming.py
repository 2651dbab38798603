"""Physical names shared by the stacks that create resources and the tools that find them.

One place, so that the CDK app, the Lambda handlers and the command-line tool cannot drift apart.
Every name carries the platform name, so two platforms (or a trial in one account) never collide.
"""

from __future__ import annotations

# The CDK bootstrap stack's default qualifier: the platform deploys through its roles.
CDK_QUALIFIER = "hnb659fds"


def persona_role(platform: str, persona: str) -> str:
    """A persona's Studio execution role, e.g. `<platform>-compliance-officer`."""
    return f"{platform}-{persona}"


def cdk_bootstrap_role(kind: str, account_id: str, region: str) -> str:
    """A role of the CDK bootstrap stack (`kind`: deploy-role, cfn-exec-role, ...), by name."""
    return f"cdk-{CDK_QUALIFIER}-{kind}-{account_id}-{region}"


def model_build_pipeline(platform: str, project: str) -> str:
    """The SageMaker Pipeline that turns a project's data into a registered model version."""
    return f"{platform}-{project}-model-build"


def model_build_role(platform: str, project: str) -> str:
    """The role a project's model-build pipeline and its jobs run as (MLOps engineers pass it)."""
    return f"{platform}-{project}-model-build"


def promotion_pipeline(platform: str, project: str) -> str:
    """The CodePipeline that carries a project's approved model package to test and prod."""
    return f"{platform}-{project}-promotion"


def audit_table(platform: str) -> str:
    """The DynamoDB table recording every approval decision and promotion gate answer."""
    return f"{platform}-promotion-audit"


def audit_recorder_role(platform: str) -> str:
    """The audit recorder's role: the registry lets it write decisions into model cards, by this name."""
    return f"{platform}-audit-recorder"


def approvals_trail(platform: str) -> str:
    """The CloudTrail trail that writes dev's management write events (approvals among them) to the
    audit-records bucket; named, because that bucket's policy must name it before it exists."""
    return f"{platform}-approvals"


def endpoint(platform: str, project: str, role: str) -> str:
    """The SageMaker endpoint serving a project's model in the test or prod account."""
    return f"{platform}-{project}-{role}"


def model_execution_role(platform: str, project: str, role: str) -> str:
    """The role a project's endpoint and monitoring jobs run as in the test or prod account.

    Known by name in dev before it exists, so that dev's bucket and key policies can trust it.
    """
    return f"{platform}-{project}-{role}-model"


def bucket(platform: str, purpose: str, account_id: str) -> str:
    """An S3 bucket of the platform. Named, not generated, so that policies in other stacks and
    accounts, and people, can refer to it without cross-stack references."""
    return f"{platform}-{purpose}-{account_id}"


def feedback_replication_role(platform: str) -> str:
    """The prod role S3 replication runs as to copy captures and labels into dev's prod-feedback bucket
    (named, so that dev's bucket and key policies can admit it before it exists)."""
    return f"{platform}-prod-feedback-replication"


def feedback_manifests(project: str) -> str:
    """The folder of a project's manifests in dev's prod-feedback bucket: which captures and labels
    each model-build run trains on (written by the retraining loop)."""
    return f"manifests/{project}"


def key_alias(platform: str, purpose: str) -> str:
    """A KMS key's alias. Test and prod keys carry their account's role in `purpose`, so that a
    single-account trial (all three stages in one account and region) gets distinct aliases."""
    return f"alias/{platform}/{purpose}"


# The key prefix, in the model-artifacts bucket, of the operator commands' wheel for Studio. Not a
# possible project name (those have no underscore), so no project's prefix overlaps it.
OPERATOR_COMMANDS_PREFIX = "operator_commands"


def model_build_outputs(project: str) -> str:
    """The key prefix, in the model-artifacts bucket, of a project's model-build executions."""
    return f"{project}/model-build"


# What of each model-build execution the test and prod accounts may read (the prefixes
# `pipelines/model_build.py` writes them under): the model and the baselines prod monitoring uses.
SERVED_OUTPUTS = (
    "model",
    "data-quality-baseline",
    "model-quality-baseline",
    "model-bias",
    "model-explainability",
)


def model_build_code(project: str) -> str:
    """The key prefix, in the model-artifacts bucket, of a project's model-build scripts (CodeUri)."""
    return f"{project}/code"


def served_artifacts(project: str) -> list[str]:
    """Key patterns, in the model-artifacts bucket, of what the test and prod accounts may read: each
    execution's model and its baselines, nothing else. `project` may be `*`."""
    return [f"{model_build_outputs(project)}/*/{output}/*" for output in SERVED_OUTPUTS]


# Where ground-truth labels of prod predictions go in the prod monitoring bucket, per endpoint, as
# Model Monitor reads them: `<prefix>/yyyy/mm/dd/hh/<file>.jsonl` (model-monitor-model-quality-merge).
GROUND_TRUTH_PREFIX = "ground-truth"


def ground_truth_prefix(endpoint_name: str) -> str:
    """The key prefix of an endpoint's labels in the prod monitoring bucket."""
    return f"{GROUND_TRUTH_PREFIX}/{endpoint_name}"


def feedback_prefixes(platform: str, project: str) -> tuple[str, str]:
    """Where prod writes a project's captured requests and its ground-truth labels, in the monitoring
    bucket (and so in dev's replica): Model Monitor's capture layout under the endpoint config's
    destination, and the labels' documented prefix per endpoint. Project `*`: every project's."""
    endpoint_name = endpoint(platform, project, "prod")
    return f"{project}/capture/{endpoint_name}/", f"{ground_truth_prefix(endpoint_name)}/"


def monitoring_bus(platform: str) -> str:
    """The dev event bus that receives prod's Model Monitor findings (the retraining loop)."""
    return f"{platform}-model-monitoring"


def monitoring_schedule(platform: str, project: str, kind: str) -> str:
    """A prod Model Monitor schedule (`kind`: data-quality, model-quality, model-bias, attribution)."""
    return f"{platform}-{project}-{kind}"


def promotion_check_role(platform: str, project: str, role: str) -> str:
    """The role in test or prod that the promotion pipeline's checks assume (invoke or describe)."""
    return f"{platform}-{project}-{role}-check"


def promotion_steps_role(platform: str, project: str) -> str:
    """The dev role of a promotion pipeline's scripted steps; the check roles trust it by name."""
    return f"{platform}-{project}-promotion-steps"


# Short persona marks keep a Studio lifecycle configuration's name within its 63 characters.
PERSONA_MARKS = {
    "data-engineer": "de",
    "data-scientist": "ds",
    "mlops-engineer": "mlops",
    "compliance-officer": "co",
}
CONTENT_HASH_LENGTH = 8


def studio_lifecycle_config(platform: str, persona: str, content_hash: str) -> str:
    """A persona's JupyterLab lifecycle configuration, named for its content (every property is
    create-only: a new name lets CloudFormation replace it)."""
    return f"{platform}-{PERSONA_MARKS[persona]}-{content_hash[:CONTENT_HASH_LENGTH]}"


# The model package lifecycle stages the promotion pipeline sets (ModelLifeCycle.Stage), in order:
# deployed to test, verified in prod, replaced or rolled back. Its steps role may set exactly these
# (`ml_constructs/promotion_pipeline/steps/set_stage.py` names them again: it runs without this package).
STAGING_STAGE, PRODUCTION_STAGE = "Staging", "Production"
LIFECYCLE_STAGES = (STAGING_STAGE, PRODUCTION_STAGE, "Archived")
