"""Every physical name the platform derives from names in the config, and the limit AWS sets on it:
one table, so that a new derived name is added here once and a too-long name is refused at load,
naming the key the user wrote, the limit it breaks and the longest value that fits.

`tests/test_config_names.py` synthesizes the platform at the longest accepted names and checks every
named resource against its CloudFormation schema, so a name built elsewhere and missing here fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import get_args

from platform_config import naming
from platform_config.schema import ACCOUNT_ROLES, PersonaName

PERSONAS = get_args(PersonaName)
# Bucket purposes (stacks/from_config.py and serving_foundation_stack); the account id is 12 digits.
BUCKET_PURPOSES = (
    "access-logs",
    "raw-data",
    "processed-data",
    "model-artifacts",
    "prod-feedback",
    "model-monitor",
    "serving-access-logs",
    "audit-records",
)
ENDPOINT_ALARMS = ("5xx", "latency", "4xx", "cpu", "memory")  # ml_constructs/endpoint_alarms.py
MONITORING_KINDS = ("data-quality", "model-quality", "model-bias", "attribution")


@dataclass(frozen=True)
class Limit:
    """A kind of name and its maximum length, where AWS documents it."""

    what: str
    max_length: int
    source: str


ROLE = Limit(
    "IAM role name", 64, "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
)
BUCKET = Limit(
    "S3 bucket name", 63, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
)
_SAGEMAKER = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/"
ENDPOINT = Limit("SageMaker endpoint name", 63, _SAGEMAKER + "API_CreateEndpoint.html")
SCHEDULE = Limit("SageMaker monitoring schedule name", 63, _SAGEMAKER + "API_CreateMonitoringSchedule.html")
PACKAGE_GROUP = Limit(
    "SageMaker model package group name", 63, _SAGEMAKER + "API_CreateModelPackageGroup.html"
)
PIPELINE = Limit("SageMaker pipeline name", 256, _SAGEMAKER + "API_CreatePipeline.html")
DOMAIN = Limit("SageMaker Studio domain name", 63, _SAGEMAKER + "API_CreateDomain.html")
PROFILE = Limit("SageMaker Studio user profile name", 63, _SAGEMAKER + "API_CreateUserProfile.html")
LIFECYCLE_CONFIG = Limit(
    "SageMaker Studio lifecycle configuration name", 63, _SAGEMAKER + "API_CreateStudioLifecycleConfig.html"
)
CODEPIPELINE = Limit(
    "CodePipeline pipeline name", 100, "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html"
)
TABLE = Limit(
    "DynamoDB table name",
    255,
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
)
BUS = Limit(
    "EventBridge event bus name",
    256,
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html",
)
ALIAS = Limit(
    "KMS alias name", 256, "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
)
BUDGET = Limit(
    "AWS Budgets budget name",
    100,
    "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html",
)
ANOMALY = Limit(
    "Cost Anomaly Detection monitor or subscription name",
    1024,
    "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html",
)
ALARM = Limit(
    "CloudWatch alarm name",
    255,
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
)
METRIC = Limit(
    "CloudWatch metric name",
    255,
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Metric.html",
)
TRAIL = Limit(
    "CloudTrail trail name",
    128,
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html",
)
STACK = Limit(
    "CloudFormation stack name",
    128,
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-parameters.html",
)


@dataclass(frozen=True)
class Parts:
    """The config's names a derived name is built from (placeholders where a phase has none yet)."""

    platform: str = "a"
    project: str = "a"
    group: str = "a-a"
    person: str = "a"
    feature: str = "a"


@dataclass(frozen=True)
class Derived:
    name: str  # what the name names, e.g. "the prod endpoint"
    limit: Limit
    build: Callable[[Parts], str]


def _each(values, make: Callable[[str], Derived]) -> list[Derived]:
    return [make(value) for value in values]


DERIVED: list[Derived] = [
    # Platform-wide names.
    *_each(PERSONAS, lambda p: Derived(f"the {p} role", ROLE, lambda n: naming.persona_role(n.platform, p))),
    Derived("the Studio default role", ROLE, lambda n: f"{n.platform}-studio-default"),  # stacks/studio.py
    Derived("the Studio domain", DOMAIN, lambda n: n.platform),
    Derived("the feedback replication role", ROLE, lambda n: naming.feedback_replication_role(n.platform)),
    *_each(
        PERSONAS,
        lambda p: Derived(
            f"the {p} Studio lifecycle configuration",
            LIFECYCLE_CONFIG,
            lambda n: naming.studio_lifecycle_config(n.platform, p, "0" * naming.CONTENT_HASH_LENGTH),
        ),
    ),
    *_each(
        BUCKET_PURPOSES,
        lambda purpose: Derived(
            f"the {purpose} bucket", BUCKET, lambda n: naming.bucket(n.platform, purpose, "0" * 12)
        ),
    ),
    Derived("the promotion audit table", TABLE, lambda n: naming.audit_table(n.platform)),
    Derived("the approvals trail", TRAIL, lambda n: naming.approvals_trail(n.platform)),
    Derived("the audit recorder role", ROLE, lambda n: naming.audit_recorder_role(n.platform)),
    Derived("the monitoring event bus", BUS, lambda n: naming.monitoring_bus(n.platform)),
    *_each(
        (
            "data",
            "model-artifacts",
            "promotion",
            "test-serving",
            "prod-serving",
        ),  # platform_storage.py, stacks/
        lambda key: Derived(f"the {key} key's alias", ALIAS, lambda n: naming.key_alias(n.platform, key)),
    ),
    *_each(  # ml_constructs/billing_guardrails.py, named `<platform>-<account>` by stacks/from_config.py
        ACCOUNT_ROLES,
        lambda role: Derived(f"the {role} monthly budget", BUDGET, lambda n: f"{n.platform}-{role}-monthly"),
    ),
    *_each(
        ACCOUNT_ROLES,
        lambda role: Derived(
            f"the {role} spend anomaly subscription",
            ANOMALY,
            lambda n: f"{n.platform}-{role}-spend-anomalies",
        ),
    ),
    # Names of each project.
    Derived(
        "the model-build pipeline", PIPELINE, lambda n: naming.model_build_pipeline(n.platform, n.project)
    ),
    Derived("the model-build role", ROLE, lambda n: naming.model_build_role(n.platform, n.project)),
    Derived(
        "the promotion pipeline", CODEPIPELINE, lambda n: naming.promotion_pipeline(n.platform, n.project)
    ),
    Derived("the promotion steps role", ROLE, lambda n: naming.promotion_steps_role(n.platform, n.project)),
    Derived("the model package group", PACKAGE_GROUP, lambda n: n.group),
    *_each(
        ("test", "prod"),
        lambda role: Derived(
            f"the {role} endpoint", ENDPOINT, lambda n: naming.endpoint(n.platform, n.project, role)
        ),
    ),
    *_each(
        ("test", "prod"),
        lambda role: Derived(
            f"the {role} model role", ROLE, lambda n: naming.model_execution_role(n.platform, n.project, role)
        ),
    ),
    *_each(
        ("test", "prod"),
        lambda role: Derived(
            f"the {role} check role", ROLE, lambda n: naming.promotion_check_role(n.platform, n.project, role)
        ),
    ),
    *_each(
        MONITORING_KINDS,
        lambda kind: Derived(
            f"the {kind} monitoring schedule",
            SCHEDULE,
            lambda n: naming.monitoring_schedule(n.platform, n.project, kind),
        ),
    ),
    *_each(
        ENDPOINT_ALARMS,
        lambda kind: Derived(
            f"the prod endpoint's {kind} alarm",
            ALARM,
            lambda n: f"{naming.endpoint(n.platform, n.project, 'prod')}-{kind}",
        ),
    ),
    *_each(  # stage (account role) and stack id, as CDK names a stage's stacks
        ("dev-ModelBuild", "dev-Promotion", "test-Serving", "prod-Serving"),
        lambda stack: Derived(f"the {stack} stack", STACK, lambda n: f"{stack}-{n.project}"),
    ),
    # Names of each drift alarm's feature (ml_constructs/model_monitor.py).
    Derived(
        "the feature's drift alarm",
        ALARM,
        lambda n: f"{naming.monitoring_schedule(n.platform, n.project, 'data-quality')}-drift-{n.feature}",
    ),
    Derived("the feature's drift metric", METRIC, lambda n: f"feature_baseline_drift_{n.feature}"),
    # Names of each person.
    Derived("the Studio user profile", PROFILE, lambda n: n.person),
]


@dataclass(frozen=True)
class Key:
    """A name the user wrote: where (e.g. `projects[0].name`), its value, and the parts it sets."""

    path: str
    value: str
    parts: Callable[[str], Parts]


def too_long(key: Key) -> str | None:
    """The derived name `key`'s value makes too long by most, worded with the fix (the longest value
    that fits them all), or None."""
    worst: tuple[int, str, Derived] | None = None
    for derived in DERIVED:
        name = derived.build(key.parts(key.value))
        growth = len(derived.build(key.parts("ab"))) - len(derived.build(key.parts("a")))
        excess = len(name) - derived.limit.max_length
        if growth and excess > 0:
            longest = len(key.value) - math.ceil(excess / growth)
            if worst is None or longest < worst[0]:
                worst = (longest, name, derived)
    if worst is None:
        return None
    longest, name, derived = worst
    limit = derived.limit
    fix = f"use at most {longest} characters" if longest > 0 else "shorten the names it is built with"
    return (
        f"{key.path}: '{key.value}' makes {derived.name}'s name '{name}' {len(name)} characters, over "
        f"the {limit.what} limit of {limit.max_length} ({limit.source}); fix: {fix}"
    )


def _project(platform: str, group: str | None, value: str) -> Parts:
    """A project's parts; a defaulted model package group (`<platform>-<project>`) grows with it."""
    return Parts(platform=platform, project=value, group=group or f"{platform}-{value}")


def _setting(parts: Parts, field: str, value: str) -> Parts:
    return replace(parts, **{field: value})


def keys(
    platform: str,
    projects: list[tuple[str, str | None, tuple[str, ...]]],
    people: list[str],
) -> list[Key]:
    """Each name the config sets, in the order of the checks: the platform's first (its limit holds for
    the shortest project), then each project's, its model package group's and features', then people's.

    `projects`: (name, model package group or None if defaulted, alarm features) of each.
    """
    found = [Key("platform.name", platform, _platform)]
    for i, (project, group, features) in enumerate(projects):
        here = _project(platform, group, project)
        found.append(Key(f"projects[{i}].name", project, partial(_project, platform, group)))
        if group:
            found.append(Key(f"projects[{i}].model_package_group", group, partial(_setting, here, "group")))
        found += [
            Key(f"projects[{i}].monitoring.alarm_features[{j}]", feature, partial(_setting, here, "feature"))
            for j, feature in enumerate(features)
        ]
    found += [
        Key(f"people[{i}].name", person, partial(_setting, Parts(), "person"))
        for i, person in enumerate(people)
    ]
    return found


def _platform(value: str) -> Parts:
    return Parts(platform=value, group=f"{value}-a")
