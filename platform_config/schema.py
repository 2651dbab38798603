"""The deployment's typed configuration: every value the stacks read, validated when loaded.

Each validator's message says what is wrong *and how to fix it*, because the loader turns the first
one into the single line a platform team sees before anything is synthesized.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from platform_config.cidr import too_small, vpc_cidr
from platform_config.instance_types import Use, instance_type_problem
from platform_config.quality import threshold_problem
from platform_config.reachability import AccountRole, Vpc, interface_services, vpc_of
from platform_config.regions import image_regions
from platform_config.schedules import monitoring_schedule
from platform_config.zones import zone_problem

ACCOUNT_ROLES: tuple[AccountRole, ...] = ("dev", "test", "prod")

# AWS publishes the AWS/Billing EstimatedCharges metric only in us-east-1.
BILLING_METRICS_REGION = "us-east-1"

_ACCOUNT_ID = re.compile(r"\d{12}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
# Platform and project names: lowercase (S3 bucket names are), no trailing hyphen (SageMaker names).
# Their lengths are bounded by the names derived from them (platform_config/names.py), not here.
_SLUG = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
# A Studio user profile name (UserProfileName in the SageMaker API); its length: names.py.
_PROFILE_NAME = re.compile(r"[a-zA-Z0-9](?:-*[a-zA-Z0-9])*")
# Bucket names may not start so (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
# and KMS reserves `alias/aws/` for AWS managed keys, which `alias/<platform>/...` would then be.
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")


@cache
def sagemaker_regions() -> frozenset[str]:
    """Regions where SageMaker exists, from botocore's bundled endpoint data (no network)."""
    import botocore.session

    return frozenset(botocore.session.get_session().get_available_regions("sagemaker"))


def _account_id(value: str) -> str:
    if not _ACCOUNT_ID.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a 12-digit AWS account id; "
            "fix: use the id `aws sts get-caller-identity` prints, as a quoted string"
        )
    return value


def _region(value: str) -> str:
    if value not in sagemaker_regions():
        raise ValueError(
            f"'{value}' is not an AWS region with SageMaker; fix: use a region code such as 'eu-west-1'"
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"'{value}' is not an email address; fix: use name@example.com")
    return value


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a valid name; fix: use lowercase letters, digits and hyphens, "
            "starting with a letter and not ending with a hyphen"
        )
    return value


def _platform_name(value: str) -> str:
    if value == "aws" or value.startswith(_RESERVED_PREFIXES):
        raise ValueError(
            f"'{value}' would start names AWS reserves (bucket prefixes {list(_RESERVED_PREFIXES)}, the "
            "KMS alias alias/aws/); fix: choose another platform name"
        )
    return value


def _profile_name(value: str) -> str:
    if not _PROFILE_NAME.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a Studio user profile name; fix: use letters, digits and hyphens, "
            "starting and ending with a letter or digit"
        )
    return value


def _instance_type(use: Use) -> AfterValidator:
    def check(value: str) -> str:
        problem = instance_type_problem(value, use)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _s3_uri(value: str) -> str:
    if not re.fullmatch(r"s3://[a-z0-9.-]{3,63}(/.*)?", value):
        raise ValueError(f"'{value}' is not an s3:// URI; fix: write it as s3://BUCKET/PREFIX")
    return value


_ROLE_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/([\w+=,.@*?/-]+)")


def _approver_arn(value: str) -> str:
    match = _ROLE_ARN_PATTERN.fullmatch(value)
    if not match:
        raise ValueError(
            f"'{value}' is not an IAM role ARN (pattern); fix: use e.g. 'arn:aws:iam::111111111111:role/"
            "aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_ComplianceOfficer_*'"
        )
    if not match.group(2).rsplit("/", 1)[-1].strip("*?"):
        raise ValueError(
            f"'{value}' would let any role of the account approve; fix: name the approvers' role"
        )
    return value


AccountId = Annotated[str, AfterValidator(_account_id)]
ApproverArn = Annotated[str, AfterValidator(_approver_arn)]
Region = Annotated[str, AfterValidator(_region)]
Email = Annotated[str, AfterValidator(_email)]
Slug = Annotated[str, AfterValidator(_slug)]
PlatformName = Annotated[str, AfterValidator(_slug), AfterValidator(_platform_name)]
ProfileName = Annotated[str, AfterValidator(_profile_name)]
StudioInstanceType = Annotated[str, _instance_type("studio")]
TrainingInstanceType = Annotated[str, _instance_type("training")]
ProcessingInstanceType = Annotated[str, _instance_type("processing")]
InferenceInstanceType = Annotated[str, _instance_type("inference")]
HostingInstanceType = Annotated[str, _instance_type("hosting")]
PositiveUsd = Annotated[float, Field(gt=0)]
# AWS Budgets takes notification thresholds of 0.1 % and more (AWS::Budgets::Budget Notification.Threshold).
Percent = Annotated[float, Field(ge=0.1, le=1000)]


class Frozen(BaseModel):
    """Immutable, and strict about unknown keys so that a typo is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Budget(Frozen):
    """An account's spend limits: a monthly budget and a daily spend alert."""

    monthly_limit_usd: PositiveUsd
    daily_limit_usd: PositiveUsd
    # Percent of the monthly limit at which actual spend notifies.
    actual_alert_percents: tuple[Percent, ...] = (80.0, 100.0)
    # Percent of the monthly limit that forecast spend must reach to notify.
    forecast_alert_percent: Percent = 100.0
    # Cost Anomaly Detection notifies for anomalies whose total impact reaches this many dollars.
    anomaly_alert_usd: PositiveUsd = 50.0

    @model_validator(mode="after")
    def _daily_below_monthly(self) -> Budget:
        if self.daily_limit_usd > self.monthly_limit_usd:
            raise ValueError(
                f"daily_limit_usd ({self.daily_limit_usd:g}) exceeds monthly_limit_usd "
                f"({self.monthly_limit_usd:g}); fix: lower the daily limit or raise the monthly one"
            )
        return self


class Account(Frozen):
    """One AWS account of the platform: where it is and what it may spend."""

    account_id: AccountId
    region: Region
    # Availability zones come from config, never from a lookup, so synthesis stays offline.
    availability_zones: tuple[str, ...] = Field(min_length=1)
    budget: Budget

    @model_validator(mode="after")
    def _zones_in_region(self) -> Account:
        for zone in self.availability_zones:
            problem = zone_problem(zone, self.region)
            if problem:
                raise ValueError(problem)
        if len(set(self.availability_zones)) != len(self.availability_zones):
            raise ValueError("availability_zones lists a zone twice; fix: list each zone once")
        return self


class Accounts(Frozen):
    dev: Account
    test: Account
    prod: Account

    @field_validator("dev", "prod")
    @classmethod
    def _region_has_platform_images(cls, account: Account) -> Account:
        """Dev runs the model-build pipeline, prod runs Model Monitor: both need their images."""
        regions = image_regions()
        if account.region not in regions:
            raise ValueError(
                f"region '{account.region}' lacks the SageMaker images the platform's jobs use; "
                f"fix: choose one of {sorted(regions)}"
            )
        return account

    def by_role(self) -> dict[AccountRole, Account]:
        return {"dev": self.dev, "test": self.test, "prod": self.prod}


class Billing(Frozen):
    """Where billing guardrails live and whom they notify."""

    home_region: str = BILLING_METRICS_REGION
    notification_emails: tuple[Email, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _billing_region(self) -> Billing:
        if self.home_region != BILLING_METRICS_REGION:
            raise ValueError(
                f"home_region '{self.home_region}' has no billing metrics; "
                f"fix: set it to '{BILLING_METRICS_REGION}', the only region AWS publishes them in"
            )
        return self


# The interface endpoints the dev VPC needs without internet: what its documented workflows call
# (platform_config/reachability.py), and the ones a team may add.
REQUIRED_INTERFACE_ENDPOINTS = interface_services("dev", feature_store=False)
OPTIONAL_INTERFACE_ENDPOINTS = tuple(
    service
    for service in dict.fromkeys(
        [*interface_services("dev", feature_store=True), "monitoring", "codecommit", "ssm"]
    )
    if service not in REQUIRED_INTERFACE_ENDPOINTS
)
KNOWN_INTERFACE_ENDPOINTS = REQUIRED_INTERFACE_ENDPOINTS + OPTIONAL_INTERFACE_ENDPOINTS
Egress = Literal["vpc-endpoints-only", "nat-gateway"]
DEFAULT_ENDPOINT_ZONES = 1


class AccountNetwork(Frozen):
    """One account's way out of its VPC: none, with an interface endpoint for each service its
    workflows call (the default), or one NAT gateway to the internet, which reaches every service
    and needs no endpoints. Interface endpoints bill per AZ-hour and a NAT gateway by the hour, so
    each account chooses its own: NAT for dev's pip installs need not put NAT into prod."""

    egress: Egress = "vpc-endpoints-only"
    # None: the endpoints the account's workflows call when there is no route out; none behind NAT.
    interface_endpoints: tuple[str, ...] | None = None
    # How many of the account's zones each interface endpoint spans (each zone bills its own hours).
    # Workloads in the other zones reach it across zones; while its zone is down, they reach no AWS API.
    endpoint_zones: int = Field(default=DEFAULT_ENDPOINT_ZONES, ge=1)

    @field_validator("interface_endpoints")
    @classmethod
    def _known_endpoints(cls, services: tuple[str, ...] | None) -> tuple[str, ...] | None:
        unknown = sorted(set(services or ()) - set(KNOWN_INTERFACE_ENDPOINTS))
        if unknown:
            raise ValueError(
                f"unknown service(s) {unknown}; fix: use some of {list(KNOWN_INTERFACE_ENDPOINTS)}"
            )
        return services

    def endpoint_services(self, vpc: Vpc, *, feature_store: bool) -> tuple[str, ...]:
        if self.interface_endpoints is not None:
            return self.interface_endpoints
        return (
            interface_services(vpc, feature_store=feature_store)
            if self.egress == "vpc-endpoints-only"
            else ()
        )

    def unreachable(self, vpc: Vpc, *, feature_store: bool) -> list[str]:
        """The interface endpoints the VPC's workflows call that it lacks (none behind NAT)."""
        if self.egress == "nat-gateway":
            return []
        present = self.endpoint_services(vpc, feature_store=feature_store)
        return [s for s in interface_services(vpc, feature_store=feature_store) if s not in present]


# The keys `[network]` had when egress and endpoints were one choice for all three accounts.
_FORMER_NETWORK_KEYS = {
    "egress": "network.dev.egress, network.test.egress and network.prod.egress",
    "interface_endpoints": "network.dev.interface_endpoints",
    "serving_interface_endpoints": "network.test.interface_endpoints and network.prod.interface_endpoints",
}


class Network(Frozen):
    """The VPC address range every account uses, and each account's way out."""

    cidr: Annotated[str, AfterValidator(vpc_cidr)] = "10.20.0.0/16"
    dev: AccountNetwork = AccountNetwork()
    test: AccountNetwork = AccountNetwork()
    prod: AccountNetwork = AccountNetwork()

    @model_validator(mode="before")
    @classmethod
    def _former_keys(cls, data: Any) -> Any:
        for key, now in _FORMER_NETWORK_KEYS.items():
            if isinstance(data, dict) and key in data:
                raise ValueError(
                    f"{key} is now set per account; fix: move it to {now} "
                    "(each defaults to vpc-endpoints-only with the endpoints its workflows call)"
                )
        return data

    def of(self, role: AccountRole) -> AccountNetwork:
        return {"dev": self.dev, "test": self.test, "prod": self.prod}[role]


class Studio(Frozen):
    """SageMaker Studio: small notebooks that drive jobs, shut down when idle."""

    idle_timeout_minutes: int = Field(default=60, ge=60, le=525600)
    default_instance_type: StudioInstanceType = "ml.t3.medium"
    # SageMaker Feature Store for the data engineers: feature groups with an offline store (S3 and
    # the Glue Data Catalog) and, without NAT, the sagemaker.featurestore-runtime endpoint.
    feature_store: bool = False


PersonaName = Literal["data-engineer", "data-scientist", "mlops-engineer", "compliance-officer"]


class Person(Frozen):
    """Someone who works in Studio: one user profile, with the execution role of their persona."""

    name: ProfileName
    persona: PersonaName


# Daily periods; CloudWatch evaluates at most 7 days (Period x EvaluationPeriods <= 604,800 s).
IdleAlarmDays = Annotated[int, Field(ge=1, le=7)]
# The test endpoint's settings of each shape: a setting of the other shape is refused.
INSTANCE_SETTINGS = ("instance_type", "instance_count", "idle_alarm_days")
SERVERLESS_SETTINGS = ("memory_mb", "max_concurrency")


class TestServing(Frozen):
    """The test account's endpoint: serverless by default, so acceptance testing costs nothing idle."""

    serverless: bool = True
    memory_mb: Literal[1024, 2048, 3072, 4096, 5120, 6144] = 2048
    max_concurrency: int = Field(default=5, ge=1, le=200)
    instance_type: HostingInstanceType = "ml.m5.large"  # used when serverless = false
    instance_count: int = Field(default=1, ge=1)
    # The acceptance test's p95 bound, after warm-up requests: test's endpoint is not prod's (a
    # serverless one adds its own overhead), so prod's latency alarm is no bar for it.
    max_p95_latency_ms: int = Field(default=2000, ge=1, le=60000)
    idle_alarm_days: IdleAlarmDays = 3  # used when serverless = false

    @model_validator(mode="after")
    def _settings_of_its_shape(self) -> TestServing:
        """A setting of the other shape would be silently ignored: serverless endpoints have no
        instances, instance endpoints no memory size or concurrency (ProductionVariant takes either
        ServerlessConfig or InstanceType, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html)."""
        ignored = INSTANCE_SETTINGS if self.serverless else SERVERLESS_SETTINGS
        given = [key for key in ignored if key in self.model_fields_set]
        if given:
            shape = "a serverless" if self.serverless else "an instance-backed"
            other = "false" if self.serverless else "true"
            raise ValueError(
                f"{given[0]} has no effect on {shape} test endpoint; fix: remove it, "
                f"or set serverless = {other}"
            )
        return self


class ProdServing(Frozen):
    """The prod endpoint: instances in at least two zones, scaled on load, updated blue/green."""

    instance_type: HostingInstanceType = "ml.m5.large"
    min_instances: int = Field(default=2, ge=2)
    max_instances: int = Field(default=4, ge=2)
    invocations_per_instance: int = Field(default=100, ge=1)  # target tracking, per minute
    canary_percent: int = Field(default=10, ge=1, le=50)
    # The canary's bake time is both blue/green waits, which CloudFormation caps at 3600 s.
    bake_minutes: int = Field(default=10, ge=1, le=60)
    data_capture_percent: int = Field(default=20, ge=1, le=100)
    latency_alarm_ms: int = Field(default=500, ge=1)
    # An alarm when the endpoint served no request for this many days: it keeps billing by the hour.
    idle_alarm_days: IdleAlarmDays = 3
    # Alarms fire above their threshold: an error rate can never exceed 100 %.
    error_rate_alarm_percent: float = Field(default=1.0, gt=0, lt=100)

    @model_validator(mode="after")
    def _scaling_range(self) -> ProdServing:
        if self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances ({self.max_instances}) is below min_instances ({self.min_instances}); "
                "fix: raise max_instances"
            )
        return self


class Monitoring(Frozen):
    """Model Monitor in prod, and what happens when it finds drift."""

    schedule: Annotated[str, AfterValidator(monitoring_schedule)] = "cron(0 * ? * * *)"  # hourly
    instance_type: ProcessingInstanceType = "ml.m5.large"
    # Features whose baseline drift raises an alarm (Model Monitor publishes one metric per feature).
    alarm_features: tuple[str, ...] = ()
    # Model Monitor's drift metric is a distance between distributions, 0..1; the alarm fires above the
    # threshold, so 1 could never fire (comparison_threshold in
    # https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-constraints.html).
    drift_alarm_threshold: float = Field(default=0.2, gt=0, lt=1)
    # s3:// prefix where labels for served predictions land; enables model-quality monitoring.
    ground_truth_uri: Annotated[str, AfterValidator(_s3_uri)] | None = None
    # Labels arrive under the prod monitoring bucket's documented prefix (`mlp-labels upload`):
    # model-quality (and, with sensitive attributes, bias) monitoring run on them.
    ground_truth_labels: bool = False
    # A bias alarm fires when |DPPL| (difference in positive proportions in predicted labels between
    # the sensitive group and the rest, -1..1) exceeds this (clarify-post-training-bias-metric-dppl).
    bias_alarm_threshold: float = Field(default=0.1, gt=0, lt=1)
    # On drift, start the project's model-build pipeline on the captures and labels prod replicated
    # since the last run (true), or only notify (false, the default: a run costs a training job and
    # registers a version someone must review).
    retrain_on_drift: bool = False
    # Hourly schedules find the same drift every hour: retrain at most once in this many hours.
    retrain_at_most_every_hours: int = Field(default=24, ge=1, le=24 * 30)

    @model_validator(mode="after")
    def _one_label_location(self) -> Monitoring:
        if self.ground_truth_uri and self.ground_truth_labels:
            raise ValueError(
                "ground_truth_uri and ground_truth_labels = true both say where labels are; "
                "fix: keep one (ground_truth_labels uses the prod monitoring bucket's ground-truth/ prefix)"
            )
        return self

    @property
    def labelled(self) -> bool:
        """Labels of served predictions arrive somewhere: model quality (and bias) can be monitored."""
        return self.ground_truth_labels or self.ground_truth_uri is not None

    @field_validator("alarm_features")
    @classmethod
    def _unique_features(cls, features: tuple[str, ...]) -> tuple[str, ...]:
        # Each alarm's construct id title-cases the feature and drops underscores.
        _refuse_duplicates(
            list(features), "alarm features share the name", lambda name: name.lower().replace("_", "")
        )
        return features


class MetricThreshold(Frozen):
    """The evaluation metric a model must reach before it is registered for approval."""

    name: str
    minimum: float

    @model_validator(mode="after")
    def _computed_and_reachable(self) -> MetricThreshold:
        problem = threshold_problem(self.name, self.minimum)
        if problem:
            raise ValueError(problem)
        return self


# A column name as preprocessing sees it in the raw CSV header.
ColumnName = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")]


class SensitiveAttribute(Frozen):
    """A column whose groups SageMaker Clarify compares (a facet): `value` marks the sensitive group.
    The column must be numeric in the raw data (preprocessing one-hot encodes text columns)."""

    column: ColumnName
    value: float = 1


# The model card schema's risk ratings (sagemaker.core.shapes.model_card_shapes.RiskRating).
RiskRating = Literal["High", "Medium", "Low", "Unknown"]


class ModelCard(Frozen):
    """What every version's model card says about its use, in the words of the schema's
    `intended_uses` section (each text at most 2,048 characters there)."""

    intended_use: str = Field(default="", max_length=2048)
    risk_rating: RiskRating = "Unknown"
    risk_explanation: str = Field(default="", max_length=2048)


class Project(Frozen):
    """One ML project: its registry group, instance sizes and quality bar."""

    name: Slug
    model_package_group: Slug | None = None
    training_instance_type: TrainingInstanceType = "ml.m5.large"
    processing_instance_type: ProcessingInstanceType = "ml.t3.medium"
    inference_instance_type: InferenceInstanceType = "ml.m5.large"
    quality_threshold: MetricThreshold = MetricThreshold(name="auc", minimum=0.7)
    # Promotion refuses a version whose quality_threshold metric is more than this below the version
    # prod serves (the champion); metrics are ratios, so 1 or more would refuse nothing.
    champion_tolerance: float = Field(default=0.01, ge=0, lt=1)
    pii_columns: tuple[str, ...] = ()
    # The 0/1 label column of the raw data (what the model predicts), and the columns SageMaker Clarify
    # checks for bias; none: the bias checks are skipped, saying so (explainability still runs).
    label_column: ColumnName = "churned"
    sensitive_attributes: tuple[SensitiveAttribute, ...] = ()
    test_serving: TestServing = TestServing()
    prod_serving: ProdServing = ProdServing()
    monitoring: Monitoring = Monitoring()
    model_card: ModelCard = ModelCard()

    @model_validator(mode="after")
    def _sensitive_attributes_are_features(self) -> Project:
        """Preprocessing drops PII columns before training: a dropped column has no bias to measure."""
        _refuse_duplicates(
            [a.column for a in self.sensitive_attributes],
            "sensitive attributes share the column",
            lambda name: name.lower().replace("_", ""),  # each bias alarm's construct id title-cases it
        )
        for index, attribute in enumerate(self.sensitive_attributes):
            if attribute.column in self.pii_columns or attribute.column == self.label_column:
                what = (
                    "a PII column, dropped before training"
                    if attribute.column in self.pii_columns
                    else "the label"
                )
                raise ValueError(
                    f"sensitive_attributes[{index}].column '{attribute.column}' is {what}; "
                    "fix: name a feature column the model is trained on"
                )
        if self.label_column in self.pii_columns:
            raise ValueError(
                f"label_column '{self.label_column}' is listed in pii_columns, which are dropped; "
                "fix: remove it from pii_columns"
            )
        return self

    @property
    def package_group_name(self) -> str:
        assert self.model_package_group, "PlatformConfig fills in each project's default group"
        return self.model_package_group


class Platform(Frozen):
    """Names, tags and the people who hear about the platform's health."""

    name: PlatformName
    cost_centre: str = Field(min_length=1)
    # Who receives operational alarms (endpoints, monitoring).
    alert_emails: tuple[Email, ...] = Field(min_length=1)
    # Who is asked to approve promotions to prod (the promotion pipelines' gate).
    compliance_officer_emails: tuple[Email, ...] = Field(min_length=1)
    # Besides the compliance-officer Studio role, the IAM roles (ARN patterns, in the dev account)
    # of compliance officers' own sign-in, e.g. their IAM Identity Center permission set's role:
    # the only other principals the registry lets approve (README, "What is enforced").
    approver_principal_arns: tuple[ApproverArn, ...] = ()
    # Days every audit record stays undeletable (S3 Object Lock, compliance mode: by nobody, root
    # included, not even by deleting the stack). Days rather than years: S3 takes either.
    audit_retention_days: int = Field(default=2555, ge=1, le=36500)


class PlatformConfig(Frozen):
    """The whole deployment, as one file describes it."""

    platform: Platform
    billing: Billing
    accounts: Accounts
    network: Network = Network()
    studio: Studio = Studio()
    people: tuple[Person, ...] = ()
    projects: tuple[Project, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _default_package_groups(cls, data: Any) -> Any:
        """A project's model package group defaults to `<platform>-<project>`."""
        if not isinstance(data, dict) or not isinstance(data.get("platform"), dict):
            return data
        if not isinstance(data.get("projects"), list):
            return data
        platform = data["platform"].get("name")
        projects = [
            {"model_package_group": f"{platform}-{p['name']}", **p}
            if isinstance(p, dict) and "name" in p
            else p
            for p in data["projects"]
        ]
        return {**data, "projects": projects}

    @model_validator(mode="after")
    def _package_groups_carry_the_platform_prefix(self) -> PlatformConfig:
        """Persona policies scope the registry by this prefix, so they stay small at any project count."""
        prefix = f"{self.platform.name}-"
        for index, project in enumerate(self.projects):
            if not project.package_group_name.startswith(prefix):
                raise ValueError(
                    f"projects[{index}].model_package_group '{project.package_group_name}' must start with "
                    f"'{prefix}', the prefix persona roles are scoped to; fix: rename it to '{prefix}{project.name}'"
                )
        return self

    def approver_arns(self, partition: str = "aws") -> list[str]:
        """Who may approve a model version and answer the prod gate: the compliance-officer Studio
        role and the configured approver roles (the registry's policy and the gate SCP use these)."""
        from platform_config.naming import persona_role

        officer = persona_role(self.platform.name, "compliance-officer")
        dev = self.accounts.dev.account_id
        return [f"arn:{partition}:iam::{dev}:role/{officer}", *self.platform.approver_principal_arns]

    @model_validator(mode="after")
    def _approvers_in_dev(self) -> PlatformConfig:
        dev = self.accounts.dev.account_id
        for index, arn in enumerate(self.platform.approver_principal_arns):
            if f":iam::{dev}:" not in arn:
                raise ValueError(
                    f"platform.approver_principal_arns[{index}] '{arn}' is not in the dev account {dev}, "
                    "where the registry is; fix: name the approvers' role in the dev account"
                )
        return self

    @model_validator(mode="after")
    def _workflows_reachable(self) -> PlatformConfig:
        """Without internet, every workflow's services need an endpoint (platform_config/reachability.py)."""
        for role in ACCOUNT_ROLES:
            missing = self.network.of(role).unreachable(vpc_of(role), feature_store=self.studio.feature_store)
            if missing:
                raise ValueError(
                    f"network.{role}.interface_endpoints lacks {missing}, which the {role} VPC's workflows call "
                    "and cannot reach without an internet path; "
                    f'fix: add them, or set network.{role}.egress = "nat-gateway"'
                )
        return self

    def interface_endpoints(self, role: AccountRole) -> tuple[str, ...]:
        """The interface endpoints the account's VPC gets."""
        return self.network.of(role).endpoint_services(vpc_of(role), feature_store=self.studio.feature_store)

    def warnings(self) -> list[str]:
        """One line per setting that is valid but probably not what was meant."""
        return [
            f'network.{role} has egress = "nat-gateway" and {len(network.interface_endpoints or ())} interface '
            "endpoints: it pays for both ways out (see the idle-cost summary); fix: remove "
            f"network.{role}.interface_endpoints unless traffic must stay private, or drop the NAT gateway"
            for role in ACCOUNT_ROLES
            if (network := self.network.of(role)).egress == "nat-gateway" and network.interface_endpoints
        ]

    @model_validator(mode="after")
    def _names_fit(self) -> PlatformConfig:
        """Every name derived from the config's names within AWS's limit (platform_config/names.py)."""
        from platform_config.names import keys, too_long

        projects = [
            (
                p.name,
                None if p.package_group_name == f"{self.platform.name}-{p.name}" else p.package_group_name,
                p.monitoring.alarm_features,
            )
            for p in self.projects
        ]
        for key in keys(self.platform.name, projects, [person.name for person in self.people]):
            problem = too_long(key)
            if problem:
                raise ValueError(problem)
        return self

    @model_validator(mode="after")
    def _endpoint_zones_exist(self) -> PlatformConfig:
        for role, account in self.accounts.by_role().items():
            wanted, zones = self.network.of(role).endpoint_zones, len(account.availability_zones)
            if wanted > zones:
                raise ValueError(
                    f"network.{role}.endpoint_zones is {wanted}, but accounts.{role} has {zones} "
                    f"availability zone(s); fix: use at most {zones}"
                )
        return self

    def needs_vpc(self, role: AccountRole) -> bool:
        """Dev (Studio, jobs) and prod (instances, monitoring) always; test only when one of its
        endpoints is instance-backed: serverless endpoints take no VPC."""
        return role != "test" or any(not p.test_serving.serverless for p in self.projects)

    @model_validator(mode="after")
    def _cidr_holds_the_subnets(self) -> PlatformConfig:
        """Each account's VPC takes the one CIDR, with subnets in each of that account's zones."""
        for role, account in self.accounts.by_role().items():
            zones, with_nat = len(account.availability_zones), self.network.of(role).egress == "nat-gateway"
            problem = too_small(self.network.cidr, role, zones, with_nat)
            if problem:
                raise ValueError(f"network.cidr: {problem}")
        return self

    @field_validator("people")
    @classmethod
    def _unique_people(cls, people: tuple[Person, ...]) -> tuple[Person, ...]:
        # Studio's construct ids title-case the name and drop hyphens: `Dana` and `dana` would collide.
        _refuse_duplicates(
            [person.name for person in people],
            "people share the name",
            lambda name: name.lower().replace("-", ""),
        )
        return people

    @field_validator("projects")
    @classmethod
    def _unique_projects(cls, projects: tuple[Project, ...]) -> tuple[Project, ...]:
        _refuse_duplicates([project.name for project in projects], "projects share the name")
        _refuse_duplicates(
            [project.package_group_name for project in projects], "projects share the model package group"
        )
        return projects


def _refuse_duplicates(values: list[str], what: str, same: Callable[[str], str] = str) -> None:
    """`same`: what makes two values the same name (by default, being equal)."""
    seen: dict[str, str] = {}
    for value in values:
        if same(value) in seen:
            other = seen[same(value)]
            also = "" if other == value else f" (as '{other}' and '{value}', the same name to AWS or CDK)"
            raise ValueError(f"two {what} '{value}'{also}; fix: make each one unique")
        seen[same(value)] = value
