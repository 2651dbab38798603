"""What each resource type the platform synthesizes costs while idle: a rule per type that bills
while idle, and the types that bill only with use or not at all. A type in neither is "not assessed"
(price unknown), so a new kind of resource shows up in the report until it is classified here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from platform_config.prices import PriceTable
from tooling.costs.model import CostLine, Item, Tally
from tooling.costs.rules import alarms, codepipeline, dynamodb, kms, monitoring, network, serving, studio
from tooling.costs.template import Resource, Rule

RULES: dict[str, Rule] = {
    serving.ENDPOINT: serving.endpoint,
    "AWS::SageMaker::MonitoringSchedule": monitoring.schedule,
    "AWS::SageMaker::Domain": studio.domain,
    "AWS::EC2::VPCEndpoint": network.vpc_endpoint,
    "AWS::EC2::NatGateway": network.nat_gateway,
    "AWS::EC2::EIP": network.elastic_ip,
    "AWS::EC2::Subnet": network.subnet,
    "AWS::KMS::Key": kms.key,
    "AWS::CloudWatch::Alarm": alarms.alarm,
    "AWS::CloudWatch::CompositeAlarm": alarms.composite_alarm,
    "AWS::ApplicationAutoScaling::ScalingPolicy": alarms.scaling_policy,
    "AWS::CodePipeline::Pipeline": codepipeline.pipeline,
    "AWS::DynamoDB::GlobalTable": dynamodb.table,
    "AWS::DynamoDB::Table": dynamodb.table,  # not made by the platform; kept because a test prices one
}

# (region, condition, the summed numbers, prices) -> the lines of one `Summed` kind.
SummedLines = Callable[[str, str | None, Counter, PriceTable], list[CostLine]]

# The kinds whose numbers add up per account, in the order their lines are listed.
SUMMED: dict[str, SummedLines] = {
    "interface_endpoint": network.interface_endpoint_lines,
    "nat": network.nat_lines,
    "ipv4": network.ipv4_lines,
    "zones": network.no_lines,
    "kms": kms.key_lines,
    "alarm": alarms.alarm_lines,
    "tracking_alarm": alarms.tracking_alarm_lines,
    "pipeline_V2": codepipeline.v2_lines,
    "pipeline_V1": codepipeline.v1_lines,
}

# Billed per request, GB stored or moved, or run: ~$0 while idle.
USAGE_BASED = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::Lambda::Function",
        "AWS::Events::Rule",
        "AWS::Events::EventBus",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::EC2::FlowLog",
        "AWS::CodeBuild::Project",
        "AWS::SageMaker::Pipeline",
        # Per event delivered: a region's first copy of management events is free; a further copy
        # (when an organization trail already delivers them) $2.00 per 100,000, plus S3 storage.
        "AWS::CloudTrail::Trail",
    }
)

# No charge of their own (what they make run is priced where it runs), and custom resources.
NO_CHARGE = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::EC2::VPC",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::KMS::Alias",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::TopicPolicy",
        "AWS::SNS::Subscription",
        "AWS::SQS::QueuePolicy",
        "AWS::Lambda::Permission",
        "AWS::Lambda::LayerVersion",
        "AWS::Events::EventBusPolicy",
        "AWS::Budgets::Budget",  # budgets are free; only budget actions past the first two would bill
        "AWS::CE::AnomalyMonitor",
        "AWS::CE::AnomalySubscription",
        "AWS::SageMaker::Model",
        "AWS::SageMaker::ModelPackageGroup",
        "AWS::SageMaker::UserProfile",
        "AWS::SageMaker::StudioLifecycleConfig",  # a script; the JupyterLab app it runs in is what bills
        serving.ENDPOINT_CONFIG,  # priced through the endpoint that uses it
        serving.SCALABLE_TARGET,  # read for the endpoint's minimum
        *monitoring.JOB_TYPES,  # priced through the schedule that runs them
    }
)


def rule_for(resource_type: str) -> Rule:
    return RULES.get(resource_type, _classified)


def _classified(resource: Resource) -> Iterator[Item]:
    if resource.type in USAGE_BASED:
        yield Tally("usage", resource.type)
    elif resource.type in NO_CHARGE or resource.type.startswith("Custom::"):
        yield Tally("no_charge", resource.type)
    else:
        yield Tally("unknown", resource.type)
