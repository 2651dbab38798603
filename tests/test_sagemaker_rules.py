"""The SageMaker pack: each rule reports a flawed resource by its id and stays quiet once it is fixed;
an acknowledgment with a reason silences a finding.

Each test builds one small stack in an app of its own (the stage, dev or prod, is the account it
deploys to) and runs the plugin on that stack's synthesized template alone, as CDK would hand it
over; the tests of acknowledgments synthesize with the plugin registered, since CDK applies them.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from aws_cdk import Acknowledgment, App, CfnParameter, CfnTag, Stack, Stage, Tags, Validations
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sm

from compliance.checks import new_app
from compliance.report import unacknowledged_findings
from compliance.sagemaker_rules import SageMakerChecks
from compliance.sagemaker_rules.rules import (
    approval_only_by_compliance_officer,
    model_package_group_policy_no_write,
    studio_domain_vpc_only,
)
from ml_constructs.model_monitor import job_definition_name
from stacks.account_stage import ServingStage
from tooling.synth import cdk_app

PACK = SageMakerChecks()
ROLE_ARN = "arn:aws:iam::111111111111:role/monitor"
KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
IMAGE = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/monitor:latest"
DATA_METRICS = "aws/sagemaker/Endpoints/data-metrics"
SAGEMAKER = iam.ServicePrincipal("sagemaker.amazonaws.com")


def new_stack(account: str = "dev", **app_props) -> Stack:
    return Stack(Stage(new_app(**app_props), account), "S")


def validate(stack: Stack):
    """The plugin's report on the stack's synthesized template alone (its stage is synthesized)."""
    template = Stage.of(stack).synth().get_stack_artifact(stack.artifact_id).template_full_path
    stacks = [SimpleNamespace(stack_construct_path=stack.node.path, template_path=template)]
    return PACK.validate(SimpleNamespace(stack_templates=stacks))


def findings(stack: Stack) -> dict[str, list[str]]:
    """Rule id -> logical ids of the resources it reports in the stack."""
    report = validate(stack)
    return {v.rule_name: [r.resource_logical_id for r in v.violating_resources] for v in report.violations}


def reported(rule: str, construct) -> bool:
    stack = Stack.of(construct)
    return stack.resolve(construct.logical_id) in findings(stack).get(f"SageMaker-{rule}", [])


def synthesized_report(app: App) -> dict:
    """The pack registered on `app` and the app synthesized: whether synthesis failed, and the pack's
    findings in CDK's report, unacknowledged as (rule, construct path) under "violations",
    acknowledged as (the acknowledgment's id, construct path) under "suppressed"."""
    Validations.of(app).add_plugins(SageMakerChecks())
    try:
        app.synth()
        failed = False
    except RuntimeError as error:  # in-memory synthesis raises on findings
        assert "ValidationFailed" in str(error)
        failed = True
    path = Path(app.outdir) / "validation-report.json"
    plugins = json.loads(path.read_text())["pluginReports"] if path.exists() else []
    pack = [p for p in plugins if p["pluginName"] == "SageMaker"]  # none when it has nothing to say
    return {
        "failed": failed,
        "violations": [
            (violation["ruleName"], construct["constructPath"])
            for plugin in pack
            for violation in plugin["violations"]
            for construct in violation["violatingConstructs"]
        ],
        "suppressed": [
            (violation["acknowledgedId"], construct["constructPath"])
            for plugin in pack
            for violation in plugin.get("suppressedViolations", [])
            for construct in violation["violatingConstructs"]
        ],
    }


# --- StudioDomainVpcOnly, and what every finding looks like ----------------------------------------


def domain(stack: Stack, **props) -> sm.CfnDomain:
    return sm.CfnDomain(
        stack,
        "Domain",
        auth_mode="IAM",
        domain_name="platform",
        vpc_id="vpc-1",
        subnet_ids=["subnet-1"],
        default_user_settings=sm.CfnDomain.UserSettingsProperty(execution_role=ROLE_ARN),
        **props,
    )


def test_studio_domain_vpc_only():
    assert not reported("StudioDomainVpcOnly", domain(new_stack(), app_network_access_type="VpcOnly"))


@pytest.mark.parametrize("access", [None, "PublicInternetOnly"], ids=["default", "public"])
def test_studio_domain_with_internet_access(access):
    assert reported("StudioDomainVpcOnly", domain(new_stack(), app_network_access_type=access))


def test_a_finding_is_an_error_described_by_the_rules_info_and_fix():
    stack = new_stack()
    reported_domain = domain(stack)
    [violation] = validate(stack).violations
    assert (violation.rule_name, violation.severity) == ("SageMaker-StudioDomainVpcOnly", "error")
    assert violation.description == studio_domain_vpc_only.RULE.info
    assert violation.fix == studio_domain_vpc_only.RULE.explanation
    [resource] = violation.violating_resources
    assert resource.resource_logical_id == stack.resolve(reported_domain.logical_id)


def test_a_raw_override_is_checked_as_deployed():
    """The template is what CloudFormation receives: an override that opens the domain is seen."""
    overridden = domain(new_stack(), app_network_access_type="VpcOnly")
    overridden.add_property_override("AppNetworkAccessType", "PublicInternetOnly")
    assert reported("StudioDomainVpcOnly", overridden)


@pytest.mark.parametrize(
    "acknowledged_as, silenced",
    [
        ("SageMaker::SageMaker-StudioDomainVpcOnly", True),
        ("SageMaker-StudioDomainVpcOnly", False),  # a bare id is the Annotation namespace's
        ("SageMaker::StudioDomainVpcOnly", False),  # the rule's name lacks the pack's prefix
    ],
    ids=["qualified", "bare", "unprefixed"],
)
def test_an_acknowledgment_on_the_construct_silences_the_finding(tmp_path, acknowledged_as, silenced):
    stack = new_stack(outdir=str(tmp_path))
    public = domain(stack)
    Validations.of(public).acknowledge(Acknowledgment(id=acknowledged_as, reason="A sandbox without data"))
    assert synthesized_report(stack.node.root) == (
        {"failed": False, "violations": [], "suppressed": [(acknowledged_as, "dev/S/Domain")]}
        if silenced
        else {
            "failed": True,
            "violations": [("SageMaker-StudioDomainVpcOnly", "dev/S/Domain")],
            "suppressed": [],
        }
    )


# --- EndpointConfigKms and ProdEndpointDataCapture -------------------------------------------------

INSTANCE = sm.CfnEndpointConfig.ProductionVariantProperty(
    variant_name="main", model_name="model", initial_instance_count=1, instance_type="ml.m5.large"
)
SERVERLESS = sm.CfnEndpointConfig.ProductionVariantProperty(
    variant_name="main",
    model_name="model",
    serverless_config=sm.CfnEndpointConfig.ServerlessConfigProperty(
        max_concurrency=1, memory_size_in_mb=2048
    ),
)


def capture(enable: bool | None = True, **props) -> sm.CfnEndpointConfig.DataCaptureConfigProperty:
    return sm.CfnEndpointConfig.DataCaptureConfigProperty(
        capture_options=[sm.CfnEndpointConfig.CaptureOptionProperty(capture_mode="Input")],
        destination_s3_uri="s3://capture/prefix",
        initial_sampling_percentage=100,
        enable_capture=enable,
        **props,
    )


def endpoint_config(stack: Stack, variant=INSTANCE, **props) -> sm.CfnEndpointConfig:
    return sm.CfnEndpointConfig(stack, "Config", production_variants=[variant], **props)


@pytest.mark.parametrize(
    "variant, props",
    [
        (INSTANCE, {"kms_key_id": KEY_ARN}),
        (SERVERLESS, {}),  # nothing stored: not applicable
        (SERVERLESS, {"data_capture_config": capture(enable=False)}),
        (SERVERLESS, {"data_capture_config": capture(kms_key_id=KEY_ARN)}),
    ],
    ids=["instance-with-key", "serverless", "serverless-capture-off", "serverless-capture-with-key"],
)
def test_endpoint_config_kms(variant, props):
    assert not reported("EndpointConfigKms", endpoint_config(new_stack(), variant, **props))


def test_endpoint_config_kms_accepts_a_key_known_only_at_deploy_time():
    stack = new_stack()
    key = CfnParameter(stack, "Key").value_as_string
    assert not reported("EndpointConfigKms", endpoint_config(stack, kms_key_id=key))


@pytest.mark.parametrize(
    "variant, props",
    [
        (INSTANCE, {}),
        (INSTANCE, {"data_capture_config": capture(kms_key_id=KEY_ARN)}),  # the volume still has no key
        (SERVERLESS, {"data_capture_config": capture(enable=None)}),  # capture is on by default
    ],
    ids=["instance", "instance-capture-key-only", "serverless-capture-without-key"],
)
def test_endpoint_config_without_kms(variant, props):
    assert reported("EndpointConfigKms", endpoint_config(new_stack(), variant, **props))


def test_prod_endpoint_config_with_data_capture():
    config = endpoint_config(new_stack("prod"), kms_key_id=KEY_ARN, data_capture_config=capture())
    assert not reported("ProdEndpointDataCapture", config)


@pytest.mark.parametrize("enable", ["absent", None, False], ids=["no-config", "not-explicit", "off"])
def test_prod_endpoint_config_without_data_capture(enable):
    props = {} if enable == "absent" else {"data_capture_config": capture(enable=enable)}
    config = endpoint_config(new_stack("prod"), kms_key_id=KEY_ARN, **props)
    assert reported("ProdEndpointDataCapture", config)


def test_dev_endpoint_config_needs_no_data_capture():
    assert not reported("ProdEndpointDataCapture", endpoint_config(new_stack("dev"), kms_key_id=KEY_ARN))


# --- ProdEndpointMonitored and MonitoringScheduleAlarmed -------------------------------------------

INPUT_PATH = "/opt/ml/processing/input"
OUTPUT_PATH = "/opt/ml/processing/output"


def endpoint(stack: Stack, construct_id: str = "Endpoint", name: str = "churn") -> sm.CfnEndpoint:
    return sm.CfnEndpoint(stack, construct_id, endpoint_config_name="config", endpoint_name=name)


def data_quality_job(stack: Stack, endpoint_name: str) -> sm.CfnDataQualityJobDefinition:
    job = sm.CfnDataQualityJobDefinition
    return job(
        stack,
        "DataQuality",
        job_definition_name="churn-data-quality",
        data_quality_app_specification=job.DataQualityAppSpecificationProperty(image_uri=IMAGE),
        data_quality_job_input=job.DataQualityJobInputProperty(
            endpoint_input=job.EndpointInputProperty(endpoint_name=endpoint_name, local_path=INPUT_PATH)
        ),
        data_quality_job_output_config=job.MonitoringOutputConfigProperty(
            monitoring_outputs=[
                job.MonitoringOutputProperty(
                    s3_output=job.S3OutputProperty(local_path=OUTPUT_PATH, s3_uri="s3://r/x")
                )
            ]
        ),
        job_resources=job.MonitoringResourcesProperty(
            cluster_config=job.ClusterConfigProperty(
                instance_count=1, instance_type="ml.m5.large", volume_size_in_gb=20
            )
        ),
        role_arn=ROLE_ARN,
    )


def inline_job(endpoint_name: str) -> sm.CfnMonitoringSchedule.MonitoringJobDefinitionProperty:
    schedule = sm.CfnMonitoringSchedule
    return schedule.MonitoringJobDefinitionProperty(
        monitoring_app_specification=schedule.MonitoringAppSpecificationProperty(image_uri=IMAGE),
        monitoring_inputs=[
            schedule.MonitoringInputProperty(
                endpoint_input=schedule.EndpointInputProperty(
                    endpoint_name=endpoint_name, local_path=INPUT_PATH
                )
            )
        ],
        monitoring_output_config=schedule.MonitoringOutputConfigProperty(
            monitoring_outputs=[
                schedule.MonitoringOutputProperty(
                    s3_output=schedule.S3OutputProperty(local_path=OUTPUT_PATH, s3_uri="s3://r/x")
                )
            ]
        ),
        monitoring_resources=schedule.MonitoringResourcesProperty(
            cluster_config=schedule.ClusterConfigProperty(
                instance_count=1, instance_type="ml.m5.large", volume_size_in_gb=20
            )
        ),
        role_arn=ROLE_ARN,
    )


def schedule(stack: Stack, *, job=None, job_name=None, endpoint_name=None) -> sm.CfnMonitoringSchedule:
    config = sm.CfnMonitoringSchedule
    return config(
        stack,
        "Schedule",
        monitoring_schedule_name="churn-drift",
        endpoint_name=endpoint_name,
        monitoring_schedule_config=config.MonitoringScheduleConfigProperty(
            monitoring_job_definition=job,
            monitoring_job_definition_name=job_name,
            monitoring_type="DataQuality" if job_name else None,
            schedule_config=config.ScheduleConfigProperty(schedule_expression="cron(0 * ? * * *)"),
        ),
    )


def test_prod_endpoint_monitored_by_an_inline_job_referencing_it():
    stack = new_stack("prod")
    monitored = endpoint(stack)
    schedule(stack, job=inline_job(monitored.attr_endpoint_name))  # a GetAtt, not the name
    assert not reported("ProdEndpointMonitored", monitored)


def test_prod_endpoint_monitored_by_a_job_definition_naming_it():
    stack = new_stack("prod")
    monitored = endpoint(stack, name="churn")
    job = data_quality_job(stack, endpoint_name="churn")
    schedule(stack, job_name=job.job_definition_name)
    assert not reported("ProdEndpointMonitored", monitored)


def test_prod_endpoint_monitored_through_the_schedules_endpoint_name():
    stack = new_stack("prod")
    monitored = endpoint(stack)
    schedule(stack, job=inline_job("churn"), endpoint_name=monitored.ref)
    assert not reported("ProdEndpointMonitored", monitored)


def test_prod_endpoint_without_a_schedule():
    assert reported("ProdEndpointMonitored", endpoint(new_stack("prod")))


def test_prod_endpoint_whose_schedule_watches_another_endpoint():
    stack = new_stack("prod")
    unwatched = endpoint(stack, "Unwatched", name="churn-v2")
    schedule(stack, job=inline_job(endpoint(stack).attr_endpoint_name))
    assert reported("ProdEndpointMonitored", unwatched)


def test_prod_endpoint_monitored_by_a_job_definition_with_a_generated_name():
    """How the platform names them: replacement-safe, the schedule takes the name from the ARN."""
    stack = new_stack("prod")
    monitored = endpoint(stack, name="churn")
    job = data_quality_job(stack, endpoint_name="churn")
    schedule(stack, job_name=job_definition_name(job))
    assert not reported("ProdEndpointMonitored", monitored)


def test_prod_endpoint_whose_job_definition_watches_another_endpoint():
    stack = new_stack("prod")
    unwatched = endpoint(stack, name="churn-v2")
    schedule(stack, job_name=data_quality_job(stack, endpoint_name="churn").job_definition_name)
    assert reported("ProdEndpointMonitored", unwatched)


def test_dev_endpoint_needs_no_schedule():
    assert not reported("ProdEndpointMonitored", endpoint(new_stack("dev")))


def dimensions(**values) -> list[cloudwatch.CfnAlarm.DimensionProperty]:
    return [cloudwatch.CfnAlarm.DimensionProperty(name=name, value=value) for name, value in values.items()]


def alarm(stack: Stack, namespace: str, **dimension_values) -> cloudwatch.CfnAlarm:
    return cloudwatch.CfnAlarm(
        stack,
        "Alarm",
        namespace=namespace,
        metric_name="feature_baseline_drift_total",
        dimensions=dimensions(**dimension_values),
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        threshold=0,
        period=3600,
        statistic="Maximum",
    )


def test_monitoring_schedule_alarmed_by_its_schedule_dimension():
    stack = new_stack()
    watched = schedule(stack, job=inline_job("churn"))
    alarm(stack, DATA_METRICS, Endpoint="other", MonitoringSchedule="churn-drift")
    assert not reported("MonitoringScheduleAlarmed", watched)


def test_monitoring_schedule_alarmed_on_its_endpoints_metrics_by_reference():
    stack = new_stack()
    monitored = endpoint(stack, name="churn")
    watched = schedule(stack, job=inline_job("churn"))  # the name; the alarm uses a GetAtt
    alarm(stack, DATA_METRICS, Endpoint=monitored.attr_endpoint_name)
    assert not reported("MonitoringScheduleAlarmed", watched)


def test_monitoring_schedule_alarmed_through_metric_math():
    stack = new_stack()
    watched = schedule(stack, job=inline_job("churn"))
    query = cloudwatch.CfnAlarm.MetricDataQueryProperty
    metric = cloudwatch.CfnAlarm.MetricProperty(
        namespace=DATA_METRICS,
        metric_name="feature_baseline_drift_total",
        dimensions=dimensions(Endpoint="churn"),
    )
    drift = cloudwatch.CfnAlarm.MetricStatProperty(metric=metric, period=3600, stat="Sum")
    cloudwatch.CfnAlarm(
        stack,
        "Alarm",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        threshold=0,
        metrics=[
            query(id="drift", metric_stat=drift, return_data=False),
            query(id="any", expression="drift > 0"),
        ],
    )
    assert not reported("MonitoringScheduleAlarmed", watched)


def test_monitoring_schedule_without_an_alarm():
    assert reported("MonitoringScheduleAlarmed", schedule(new_stack(), job=inline_job("churn")))


@pytest.mark.parametrize(
    "namespace, dimension_values",
    [
        ("AWS/SageMaker", {"EndpointName": "churn"}),  # invocation metrics, not Model Monitor's
        (DATA_METRICS, {"Endpoint": "churn-v2"}),
        (DATA_METRICS, {"MonitoringSchedule": "churn-quality"}),
    ],
    ids=["other-namespace", "other-endpoint", "other-schedule"],
)
def test_monitoring_schedule_whose_alarm_watches_something_else(namespace, dimension_values):
    stack = new_stack()
    watched = schedule(stack, job=inline_job("churn"))
    alarm(stack, namespace, **dimension_values)
    assert reported("MonitoringScheduleAlarmed", watched)


def test_monitoring_schedule_alarmed_only_in_another_stack():
    watched = schedule(new_stack(), job=inline_job("churn"))
    alarm(Stack(Stage.of(watched), "Alarms"), DATA_METRICS, MonitoringSchedule="churn-drift")  # same stage
    assert reported("MonitoringScheduleAlarmed", watched)


# --- ModelPackageGroupPolicyNoWrite ----------------------------------------------------------------

SERVING_ACCOUNT = {"AWS": "arn:aws:iam::333333333333:root"}


def package_group(stack: Stack, *statements: dict) -> sm.CfnModelPackageGroup:
    return sm.CfnModelPackageGroup(
        stack,
        "Group",
        model_package_group_name="churn",
        model_package_group_policy={
            "Version": "2012-10-17",
            "Statement": [{"Principal": SERVING_ACCOUNT, "Resource": "*", **each} for each in statements],
        },
    )


def test_model_package_group_policy_granting_read_and_use():
    group = package_group(
        new_stack(),
        {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"]},
        {"Effect": "Allow", "Action": "sagemaker:CreateModel"},
        {"Effect": "Deny", "Action": "sagemaker:*"},  # denying writes is fine
    )
    assert not reported("ModelPackageGroupPolicyNoWrite", group)


@pytest.mark.parametrize(
    "action",
    [
        "sagemaker:UpdateModelPackage",
        "sagemaker:DeleteModelPackage",
        "sagemaker:PutModelPackageGroupPolicy",
        "sagemaker:Update*",
        "sagemaker:*",
        "*",
        "SageMaker:U*",
        "sagemaker:*Package",
    ],
)
def test_model_package_group_policy_granting_a_write(action):
    read_and = {"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage", action]}
    assert reported("ModelPackageGroupPolicyNoWrite", package_group(new_stack(), read_and))


def test_model_package_group_policy_granting_all_but_some_actions():
    group = package_group(new_stack(), {"Effect": "Allow", "NotAction": "sagemaker:DeleteModelPackage"})
    assert reported("ModelPackageGroupPolicyNoWrite", group)


def test_model_package_group_policy_with_an_action_known_only_at_deploy_time_is_reported():
    """The rule cannot judge a `{"Ref": ...}` action: it reports the group, saying why."""
    stack = new_stack()
    action = CfnParameter(stack, "Action").value_as_string
    group = package_group(stack, {"Effect": "Allow", "Action": [action]})
    assert reported("ModelPackageGroupPolicyNoWrite", group)
    [violation] = validate(stack).violations
    assert violation.description == (
        f"{model_package_group_policy_no_write.RULE.info} (the rule could not judge it: "
        'ValueError: Action is not a literal: [{"Ref": "Action"}])'
    )


# --- ApprovalOnlyByComplianceOfficer ---------------------------------------------------------------

APPROVE = iam.PolicyStatement(actions=["sagemaker:UpdateModelPackage"], resources=["*"])


def l1_role(stack: Stack, statement: iam.PolicyStatement, persona: str | None = None) -> iam.CfnRole:
    """A role with one inline policy, tagged as the persona if given."""
    return iam.CfnRole(
        stack,
        "Role",
        assume_role_policy_document=iam.PolicyDocument(
            statements=[iam.PolicyStatement(actions=["sts:AssumeRole"], principals=[SAGEMAKER])]
        ),
        policies=[
            iam.CfnRole.PolicyProperty(
                policy_name="inline", policy_document=iam.PolicyDocument(statements=[statement])
            )
        ],
        tags=[CfnTag(key="persona", value=persona)] if persona else None,
    )


def approver(stack: Stack, **props) -> iam.Role:
    return iam.Role(stack, "Approver", assumed_by=SAGEMAKER, **props)


def deny_approval(**props) -> iam.PolicyStatement:
    return iam.PolicyStatement(effect=iam.Effect.DENY, actions=["sagemaker:UpdateModelPackage"], **props)


@pytest.mark.parametrize(
    ("null", "approves"),
    [("true", False), ("false", True), (None, True)],
    ids=["absent", "present", "unconditioned"],
)
def test_a_lifecycle_only_update_is_not_an_approval(null, approves):
    """The promotion steps may set lifecycle stages only when the request names no approval status;
    negative controls: requiring the key present, or no condition, lets the role approve."""
    conditions = {"Null": {"sagemaker:ModelApprovalStatus": null}} if null else None
    statement = iam.PolicyStatement(
        actions=["sagemaker:UpdateModelPackage"], resources=["*"], conditions=conditions
    )
    assert reported("ApprovalOnlyByComplianceOfficer", l1_role(new_stack(), statement)) is approves


def test_approving_role_of_the_compliance_officer():
    role = l1_role(new_stack(), APPROVE, persona="compliance-officer")
    assert not reported("ApprovalOnlyByComplianceOfficer", role)


@pytest.mark.parametrize("persona", [None, "data-scientist"])
def test_approving_role_of_anyone_else(persona):
    assert reported("ApprovalOnlyByComplianceOfficer", l1_role(new_stack(), APPROVE, persona=persona))


def test_role_that_cannot_approve_needs_no_persona():
    read = iam.PolicyStatement(actions=["sagemaker:DescribeModelPackage", "sagemaker:List*"], resources=["*"])
    assert not reported("ApprovalOnlyByComplianceOfficer", l1_role(new_stack(), read))


def test_approval_through_an_attached_policy_with_a_wildcard():
    stack = new_stack()
    role = approver(stack)
    update = iam.PolicyStatement(actions=["sagemaker:Update*"], resources=["*"])
    iam.ManagedPolicy(stack, "Policy", roles=[role], statements=[update])
    assert reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


def test_approval_through_the_roles_managed_policy_arns():
    stack = new_stack()
    role = approver(stack)
    role.add_managed_policy(iam.ManagedPolicy(stack, "Policy", statements=[APPROVE]))
    assert reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


def test_approval_through_the_roles_default_policy():
    stack = new_stack()
    role = approver(stack)
    role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
    assert reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


def test_approval_through_a_not_action_statement():
    everything_but_iam = iam.PolicyStatement(not_actions=["iam:*", "organizations:*"], resources=["*"])
    assert reported("ApprovalOnlyByComplianceOfficer", l1_role(new_stack(), everything_but_iam))


def test_approval_through_an_aws_managed_policy():
    full_access = iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess")
    role = approver(new_stack(), managed_policies=[full_access])
    assert reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


def test_approval_denied_by_an_attached_guard():
    stack = new_stack()
    role = approver(stack)
    role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
    role.add_managed_policy(iam.ManagedPolicy(stack, "Guard", statements=[deny_approval(resources=["*"])]))
    assert not reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


def test_approval_denied_by_the_permissions_boundary():
    stack = new_stack()
    boundary = iam.ManagedPolicy(stack, "Boundary", statements=[deny_approval(resources=["*"])])
    role = approver(stack, permissions_boundary=boundary)
    role.add_to_policy(APPROVE)
    assert not reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


@pytest.mark.parametrize(
    "deny",
    [
        {"resources": ["*"], "conditions": {"StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"}}},
        {"resources": ["arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn/1"]},
    ],
    ids=["conditional", "one-package"],
)
def test_approval_denied_only_in_part(deny):
    stack = new_stack()
    role = approver(stack)
    role.add_to_policy(APPROVE)
    role.add_managed_policy(iam.ManagedPolicy(stack, "Guard", statements=[deny_approval(**deny)]))
    assert reported("ApprovalOnlyByComplianceOfficer", role.node.default_child)


# --- AuditBucketObjectLocked ----------------------------------------------------------------------

LOCKED = dict(
    object_lock_enabled=True,
    object_lock_configuration=s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(
            default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="COMPLIANCE", days=2555)
        ),
    ),
    versioning_configuration=s3.CfnBucket.VersioningConfigurationProperty(status="Enabled"),
)


def trail_into(bucket: s3.CfnBucket) -> None:
    cloudtrail.CfnTrail(bucket.stack, "Trail", is_logging=True, s3_bucket_name=bucket.ref)


def test_a_trail_destination_with_compliance_object_lock_and_versioning_passes():
    bucket = s3.CfnBucket(new_stack(), "Audit", **LOCKED)
    trail_into(bucket)
    assert not reported("AuditBucketObjectLocked", bucket)


@pytest.mark.parametrize(
    "defect",
    [
        {"object_lock_enabled": False},
        {"versioning_configuration": s3.CfnBucket.VersioningConfigurationProperty(status="Suspended")},
        {
            "object_lock_configuration": s3.CfnBucket.ObjectLockConfigurationProperty(
                object_lock_enabled="Enabled",
                rule=s3.CfnBucket.ObjectLockRuleProperty(
                    default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="GOVERNANCE", days=2555)
                ),
            )
        },
        {"object_lock_configuration": None},
    ],
    ids=["no-object-lock", "versioning-suspended", "governance-mode", "no-default-retention"],
)
def test_a_trail_destination_without_any_one_of_them_is_reported(defect):
    bucket = s3.CfnBucket(new_stack(), "Audit", **(LOCKED | defect))
    trail_into(bucket)
    assert reported("AuditBucketObjectLocked", bucket)


def test_a_bucket_tagged_as_audit_records_is_checked_without_a_trail():
    tagged = s3.CfnBucket(new_stack(), "Audit", tags=[CfnTag(key="record", value="audit")])
    assert reported("AuditBucketObjectLocked", tagged)


def test_other_buckets_are_not_audit_buckets():
    """Negative control for the scope: an ordinary bucket needs no Object Lock."""
    assert not reported("AuditBucketObjectLocked", s3.CfnBucket(new_stack(), "Data"))


def test_the_platforms_audit_ledger_passes():
    from aws_cdk import aws_kms as kms

    from ml_constructs.audit_ledger import AuditLedger, LedgerProps

    stack = new_stack()
    ledger = AuditLedger(
        stack,
        "Ledger",
        props=LedgerProps("audit-b", "approvals", retention_days=1),
        key=kms.Key(stack, "Key"),
    )
    bucket = ledger.bucket.node.default_child
    assert not reported("AuditBucketObjectLocked", bucket)


# --- As a validation plugin ------------------------------------------------------------------------


def test_as_a_plugin_it_fails_synthesis_honours_acknowledgments_and_reads_tags_applied_by_aspects(tmp_path):
    """The way the platform uses it: registered on the app, acknowledged as `SageMaker::<rule>`, the
    persona tag set with `Tags.of`, which only synthesis applies; `app.py` reads the same report."""
    app = new_app(outdir=str(tmp_path))
    stack = Stack(Stage(app, "prod"), "Serving")
    acknowledged = domain(stack)
    Validations.of(acknowledged).acknowledge(
        Acknowledgment(id="SageMaker::SageMaker-StudioDomainVpcOnly", reason="A sandbox without data")
    )
    for persona in ("compliance-officer", "data-scientist"):
        role = iam.Role(stack, persona, assumed_by=SAGEMAKER)
        role.add_to_policy(APPROVE)
        Tags.of(role).add("persona", persona)
    Validations.of(app).add_plugins(SageMakerChecks())

    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()

    report = json.loads((tmp_path / "validation-report.json").read_text())
    [plugin] = [p for p in report["pluginReports"] if p["pluginName"] == "SageMaker"]
    found = {
        (violation["ruleName"], construct["constructPath"])
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }
    assert found == {("SageMaker-ApprovalOnlyByComplianceOfficer", "prod/Serving/data-scientist/Resource")}
    assert [v["violatingConstructs"][0]["constructPath"] for v in plugin["suppressedViolations"]] == [
        "prod/Serving/Domain"
    ]
    assert unacknowledged_findings(tmp_path) == [
        "SageMaker: SageMaker-ApprovalOnlyByComplianceOfficer at prod/Serving/data-scientist/Resource: "
        f"{approval_only_by_compliance_officer.RULE.info}; fix: {approval_only_by_compliance_officer.RULE.explanation}"
    ]


def test_the_feature_attribution_schedules_acknowledgment_silences_exactly_its_finding(
    tmp_path, example_config
):
    """ModelMonitor acknowledges MonitoringScheduleAlarmed on the feature-attribution schedule (Clarify
    publishes no metric to alarm on). The example's drift alarms watch the endpoint's Model Monitor
    metrics, which alarms every schedule of it; without them (no alarm features) both the data-quality
    and the attribution schedule are unalarmed: the first stays a finding, the second is acknowledged."""
    project = example_config.projects[0]
    unalarmed = project.monitoring.model_copy(update={"alarm_features": ()})
    config = example_config.model_copy(
        update={"projects": (project.model_copy(update={"monitoring": unalarmed}),)}
    )
    app = cdk_app(tmp_path)
    ServingStage(app, config=config, role="prod")
    assert synthesized_report(app) == {
        "failed": True,
        "violations": [
            ("SageMaker-MonitoringScheduleAlarmed", "prod/Serving-churn/Monitoring/DataQualitySchedule")
        ],
        "suppressed": [
            (
                "SageMaker::SageMaker-MonitoringScheduleAlarmed",
                "prod/Serving-churn/Monitoring/ModelExplainabilitySchedule",
            )
        ],
    }
