"""tooling/costs/: idle cost per account, read from synthetic templates (no synthesis, fast).

Most tests price against TEST_PRICES below, whose numbers are chosen so that a wrong multiplication
(a missing AZ, hour or instance factor) gives a different figure; one test pins the real price table
to the figures the README quotes.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from itertools import count

import pytest

from cfn.assembly import SynthesizedStack
from platform_config.schema import sagemaker_regions
from tooling.costs import (
    PRICES_FILE,
    AccountCost,
    CostLine,
    PriceTable,
    Rate,
    estimate,
    format_costs,
    parse_schedule,
)
from tooling.costs.model import condition_label, usd
from tooling.costs.rules import NO_CHARGE, RULES, USAGE_BASED

TEST_PRICES = PriceTable(
    tomllib.loads(
        """
hours_per_month = 730
[assumptions]
monitoring_run_minutes = 10
[global]
kms_key_month = 1.00
kms_rotation_month = 1.00
public_ipv4_hour = 0.005
[fallback]
base_region = "us-east-1"
multiplier = 1.2
regions = ["ap-southeast-4"]
[regions.us-east-1]
interface_endpoint_az_hour = 0.01
nat_gateway_hour = 0.045
cloudwatch_alarm_metric_month = 0.10
cloudwatch_alarm_metric_high_res_month = 0.30
cloudwatch_composite_alarm_month = 0.50
[regions.us-east-1.sagemaker_hosting]
"ml.m5.large" = 0.115
[regions.us-east-1.sagemaker_processing]
"ml.m5.large" = 0.115
[regions.eu-west-1]
interface_endpoint_az_hour = 0.011
nat_gateway_hour = 0.048
cloudwatch_alarm_metric_month = 0.10
cloudwatch_alarm_metric_high_res_month = 0.30
cloudwatch_composite_alarm_month = 0.50
[regions.eu-west-1.sagemaker_hosting]
"ml.m5.large" = 0.128
"ml.m5.xlarge" = 0.256
[regions.eu-west-1.sagemaker_processing]
"ml.m5.large" = 0.128
"ml.m5.xlarge" = 0.256
"""
    )
)

_ids = count()


@pytest.fixture
def make_stack(tmp_path):
    """`make_stack(resources, stage=..., region=...)`: a SynthesizedStack whose template is a tmp file."""

    def make(resources: dict, *, stage="prod", region="eu-west-1", account="333333333333", parameters=None):
        n = next(_ids)
        template = {"Resources": resources, "Parameters": parameters or {}}
        path = tmp_path / f"stack{n}.template.json"
        path.write_text(json.dumps(template), encoding="utf-8")
        return SynthesizedStack(stage, f"{stage}-Stack{n}", f"{stage}/Stack{n}", account, region, path)

    return make


def only(accounts: list[AccountCost]) -> AccountCost:
    assert len(accounts) == 1
    return accounts[0]


def line(account: AccountCost, starts: str) -> CostLine:
    matches = [candidate for candidate in account.lines if candidate.what.startswith(starts)]
    assert len(matches) == 1, [candidate.what for candidate in account.lines]
    return matches[0]


def endpoint(config: str = "Config", name: str | None = "churn-prod", condition: str | None = None) -> dict:
    props = {"EndpointConfigName": {"Fn::GetAtt": [config, "EndpointConfigName"]}}
    if name:
        props["EndpointName"] = name
    resource = {"Type": "AWS::SageMaker::Endpoint", "Properties": props}
    if condition:
        resource["Condition"] = condition
    return resource


def endpoint_config(*variants: dict, condition: str | None = None) -> dict:
    resource = {
        "Type": "AWS::SageMaker::EndpointConfig",
        "Properties": {"ProductionVariants": list(variants)},
    }
    if condition:
        resource["Condition"] = condition
    return resource


def instances(instance_type="ml.m5.large", initial=1, name="AllTraffic") -> dict:
    return {
        "VariantName": name,
        "InstanceType": instance_type,
        "InitialInstanceCount": initial,
        "ModelName": "m",
    }


def scalable_target(resource_id, minimum=2, maximum=4) -> dict:
    return {
        "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
        "Properties": {
            "ServiceNamespace": "sagemaker",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "ResourceId": resource_id,
            "MinCapacity": minimum,
            "MaxCapacity": maximum,
        },
    }


def interface_endpoint(azs: int) -> dict:
    return {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcEndpointType": "Interface",
            "SubnetIds": [{"Ref": f"Subnet{i}"} for i in range(azs)],
        },
    }


def monitoring(schedule: str | None, instance_type="ml.m5.large", job_props: dict | None = None) -> dict:
    schedule_config = {"ScheduleExpression": schedule} if schedule is not None else {}
    return {
        "Job": {
            "Type": "AWS::SageMaker::DataQualityJobDefinition",
            "Condition": "HasModel",
            "Properties": {
                "JobDefinitionName": "churn-data-quality",
                "JobResources": {
                    "ClusterConfig": {"InstanceCount": 1, "InstanceType": instance_type, "VolumeSizeInGB": 20}
                },
                **(job_props or {}),
            },
        },
        "Schedule": {
            "Type": "AWS::SageMaker::MonitoringSchedule",
            "Condition": "HasModel",
            "Properties": {
                "MonitoringScheduleName": "churn-data-quality",
                "MonitoringScheduleConfig": {
                    "MonitoringJobDefinitionName": "churn-data-quality",
                    "MonitoringType": "DataQuality",
                    "ScheduleConfig": schedule_config,
                },
            },
        },
    }


# --- the price table (prices.py) ----------------------------------------------------------------------------


def test_real_price_table_is_documented_complete_and_matches_the_readme(make_stack):
    text = PRICES_FILE.read_text(encoding="utf-8")
    assert "source:" in text and re.search(r"date: .*\d{4}-\d{2}-\d{2}", text)
    assert "FALLBACK" in text
    prices = PriceTable.load()
    regions = prices.data["regions"]
    assert {"us-east-1", "eu-west-1"} <= set(regions)
    assert prices.multiplier > 1
    for table in ("sagemaker_hosting", "sagemaker_processing"):  # the same types priced in every region
        assert len({frozenset(r[table]) for r in regions.values()}) == 1
    assert {frozenset(k for k in r if not isinstance(r[k], dict)) for r in regions.values()} == {
        frozenset(regions["us-east-1"]) - {"sagemaker_hosting", "sagemaker_processing"}
    }

    # The README: "the 8 endpoints cost about $64 a month (2 zones: $128)", "2 × ml.m5.large ≈ $190".
    dev = make_stack({f"E{i}": interface_endpoint(azs=1) for i in range(8)}, stage="dev")
    prod = make_stack({"Endpoint": endpoint(), "Config": endpoint_config(instances(initial=2))})
    dev_cost, prod_cost = estimate([dev, prod])
    assert dev_cost.total == 64.24  # 8 × $0.011 × 730
    assert prod_cost.total == 186.88  # 2 × $0.128 × 730


def test_price_table_reads_a_region_its_fallback_and_says_when_a_price_is_missing():
    assert TEST_PRICES.has_region("eu-west-1") and not TEST_PRICES.has_region("ap-southeast-4")
    assert TEST_PRICES.regional("eu-west-1", "nat_gateway_hour") == Rate(0.048, "eu-west-1")
    assert TEST_PRICES.regional("eu-west-1", "ml.m5.xlarge", "sagemaker_hosting") == Rate(0.256, "eu-west-1")
    fallback = TEST_PRICES.regional("ap-southeast-4", "ml.m5.large", "sagemaker_processing")
    assert fallback is not None and fallback.fallback
    assert fallback.per_unit == pytest.approx(0.115 * 1.2)
    assert fallback.source == "ap-southeast-4†"
    assert TEST_PRICES.regional("sa-east-1", "nat_gateway_hour") is None  # neither priced nor listed
    assert TEST_PRICES.regional("eu-west-1", "ml.p5.48xlarge", "sagemaker_hosting") is None
    assert TEST_PRICES.regional("eu-west-1", "ml.m5.large", "no_such_table") is None
    assert TEST_PRICES.global_rate("kms_key_month") == 1.00


# --- schedule expressions (schedule.py) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "runs", "label"),
    [
        ("cron(0 * ? * * *)", 730.0, "hourly"),
        ("cron(0 0 ? * * *)", 730 / 24, "daily"),
        ("cron(0 */6 ? * * *)", 4 * 730 / 24, "every 6 hours"),
        ("cron(30 0/12 ? * * *)", 2 * 730 / 24, "every 12 hours"),
        ("cron(0 8 ? * MON-FRI *)", 5 / 7 * 730 / 24, "daily, 5 days a week"),
        ("cron(0 6 1 * ? *)", 1.0, "daily, on 1 days a month"),
        ("cron(0,30 * ? * * *)", 2 * 730.0, "48 times a day"),
        ("rate(2 hours)", 365.0, "every 2 hours"),
        ("cron(0 0 1 JAN,JUL ? *)", 2 / 12, "daily, on 1 days a month, 2 months a year"),
    ],
)
def test_schedule_expressions(expression, runs, label):
    schedule = parse_schedule(expression)

    assert schedule.runs_per_month == pytest.approx(runs)
    assert schedule.label == label
    assert schedule.understood


@pytest.mark.parametrize(
    "expression",
    [
        None,
        "",
        "cron(0 L ? * * *)",
        "cron(0 25 ? * * *)",
        "every hour",
        "rate(0 minutes)",
        "cron(0 * * *)",
        "cron(0 */0 ? * * *)",
    ],
)
def test_unreadable_schedules_default_to_hourly_and_say_so(expression):
    schedule = parse_schedule(expression)

    assert schedule.runs_per_month == 730.0
    assert not schedule.understood and "assumed" in schedule.label


def test_now_runs_once_not_monthly():
    schedule = parse_schedule("NOW")

    assert (schedule.runs_per_month, schedule.label, schedule.understood) == (
        0.0,
        "once (NOW), not monthly",
        True,
    )


# --- SageMaker endpoints (rules/serving.py) -----------------------------------------------------------------


def test_instance_endpoint_costs_its_initial_instances_around_the_clock(make_stack):
    stack = make_stack(
        {"Endpoint": endpoint(), "Config": endpoint_config(instances("ml.m5.xlarge", initial=3))}
    )

    account = only(estimate([stack], TEST_PRICES))

    served = line(account, "endpoint churn-prod/AllTraffic: ml.m5.xlarge")
    assert served.quantity == 3
    assert served.monthly_usd == 560.64  # 3 × $0.256 × 730 h
    assert "InitialInstanceCount" in served.note
    assert account.total == 560.64


def test_autoscaling_minimum_replaces_the_initial_count(make_stack):
    stack = make_stack(
        {
            "Endpoint": endpoint(),
            "Config": endpoint_config(instances(initial=1)),
            "Scaling": scalable_target("endpoint/churn-prod/variant/AllTraffic", minimum=2, maximum=6),
        }
    )

    served = line(only(estimate([stack], TEST_PRICES)), "endpoint churn-prod/AllTraffic")

    assert served.quantity == 2
    assert served.monthly_usd == 186.88  # 2 × $0.128 × 730 h, not 1 (initial) nor 6 (maximum)
    assert "MinCapacity" in served.note


def test_autoscaling_target_found_through_intrinsics_and_parameter_defaults(make_stack):
    # No literal endpoint name: the target names it with Fn::Join + GetAtt; MinCapacity is a parameter.
    resource_id = {
        "Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "/variant/Blue"]]
    }
    stack = make_stack(
        {
            "Endpoint": endpoint(name=None),
            "Config": endpoint_config(instances(initial=1, name="Blue")),
            "Scaling": scalable_target(resource_id, minimum={"Ref": "MinInstances"}),
        },
        parameters={"MinInstances": {"Type": "Number", "Default": 4}},
    )

    served = line(only(estimate([stack], TEST_PRICES)), "endpoint <Endpoint>/Blue")

    assert served.quantity == 4
    assert served.monthly_usd == 373.76  # 4 × $0.128 × 730 h


def test_serverless_endpoint_costs_nothing_idle_and_says_so(make_stack):
    serverless = {
        "VariantName": "AllTraffic",
        "ServerlessConfig": {"MaxConcurrency": 5, "MemorySizeInMB": 2048},
    }
    stack = make_stack({"Endpoint": endpoint(), "Config": endpoint_config(serverless)}, stage="test")

    account = only(estimate([stack], TEST_PRICES))

    served = line(account, "endpoint churn-prod/AllTraffic: serverless")
    assert served.monthly_usd == 0.0
    assert "serverless" in served.note and "$0 idle" in served.note
    assert account.total == 0.0 and not account.unpriced


def test_serverless_with_provisioned_concurrency_is_not_called_free(make_stack):
    variant = {
        "VariantName": "AllTraffic",
        "ServerlessConfig": {"MaxConcurrency": 5, "ProvisionedConcurrency": 2},
    }
    stack = make_stack({"Endpoint": endpoint(), "Config": endpoint_config(variant)})

    served = line(only(estimate([stack], TEST_PRICES)), "endpoint churn-prod/AllTraffic: serverless")

    assert served.monthly_usd is None
    assert "price unknown" in served.note and "provisioned concurrency 2" in served.note


def test_unknown_instance_type_gives_a_price_unknown_line_not_a_crash(make_stack):
    stack = make_stack(
        {
            "Endpoint": endpoint(),
            "Config": endpoint_config(instances("ml.p5.48xlarge", initial=2)),
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        }
    )

    account = only(estimate([stack], TEST_PRICES))

    served = line(account, "endpoint churn-prod/AllTraffic: ml.p5.48xlarge")
    assert served.monthly_usd is None and served.quantity == 2
    assert "price unknown" in served.note and "ml.p5.48xlarge" in served.note
    assert account.unpriced == (served,)
    assert account.total == 1.00  # the key only; the unknown line adds nothing
    text = format_costs([account])
    assert re.search(r"ml\.p5\.48xlarge\s+2\s+\?", text)
    assert "at least: 1 line(s) not priced" in text


def test_endpoint_whose_config_is_elsewhere_is_reported_unpriced(make_stack):
    stack = make_stack(
        {
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {"EndpointConfigName": "made-elsewhere"},
            }
        }
    )

    account = only(estimate([stack], TEST_PRICES))

    assert [(u.what, u.monthly_usd) for u in account.unpriced] == [("endpoint <Endpoint>", None)]


def test_serving_resources_under_has_model_are_counted_and_labelled(make_stack):
    stack = make_stack(
        {
            "Endpoint": endpoint(condition="HasModel"),
            "Config": endpoint_config(instances(initial=2), condition="HasModel"),
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}},
        }
    )

    account = only(estimate([stack], TEST_PRICES))

    served = line(account, "endpoint churn-prod/AllTraffic")
    assert served.condition == "HasModel"
    assert served.note.endswith("once a model is promoted")
    assert account.total == 187.88  # 2 × $0.128 × 730 + one $1 key
    assert account.total_unconditional == 1.00  # before any promotion only the key exists
    text = format_costs([account])
    assert " *endpoint churn-prod/AllTraffic" in text
    assert "total ≈ $1.00/month now; ≈ $187.88/month with the * lines (once a model is promoted)" in text


def test_endpoint_config_found_by_its_literal_name(make_stack):
    config = endpoint_config(instances(initial=1))
    config["Properties"]["EndpointConfigName"] = "churn-config"
    serving = endpoint()
    serving["Properties"]["EndpointConfigName"] = "churn-config"

    served = line(
        only(estimate([make_stack({"Endpoint": serving, "Config": config})], TEST_PRICES)), "endpoint"
    )

    assert served.monthly_usd == 93.44  # 1 × $0.128 × 730 h


def test_autoscaling_target_named_with_fn_sub(make_stack):
    resource_id = {"Fn::Sub": "endpoint/${Endpoint.EndpointName}/variant/AllTraffic"}
    stack = make_stack(
        {
            "Endpoint": endpoint(name=None),
            "Config": endpoint_config(instances(initial=1)),
            "Scaling": scalable_target(resource_id, minimum=3),
        }
    )

    served = line(only(estimate([stack], TEST_PRICES)), "endpoint <Endpoint>/AllTraffic")

    assert (served.quantity, served.monthly_usd) == (3, 280.32)  # 3 × $0.128 × 730 h


def test_scalable_targets_that_do_not_name_the_endpoint_variant_are_ignored(make_stack):
    getatt_arn = {"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "Arn"]}, "/variant/AllTraffic"]]}
    other = scalable_target("endpoint/churn-prod/variant/AllTraffic", minimum=5)
    other["Properties"]["ServiceNamespace"] = "ecs"
    stack = make_stack(
        {
            "Endpoint": endpoint(name=None),
            "Config": endpoint_config(instances(initial=1)),
            "Attribute": scalable_target(getatt_arn, minimum=5),
            "Unresolved": scalable_target({"Fn::Sub": "endpoint/${Other.EndpointName}/variant/AllTraffic"}),
            "Parameter": scalable_target({"Ref": "ResourceId"}),
            "Ecs": other,
        }
    )

    served = line(only(estimate([stack], TEST_PRICES)), "endpoint <Endpoint>/AllTraffic")

    assert (served.quantity, served.monthly_usd) == (1, 93.44)  # the initial count: no target matched
    assert served.note.startswith("InitialInstanceCount")


def test_instance_type_or_count_resolved_at_deploy_time_is_reported_unpriced(make_stack):
    by_parameter = instances(initial=2)
    by_parameter["InstanceType"] = {"Ref": "InstanceType"}  # a parameter without a default
    by_attribute = instances(name="Blue")
    by_attribute["InitialInstanceCount"] = "two"
    stack = make_stack({"Endpoint": endpoint(), "Config": endpoint_config(by_parameter, by_attribute)})

    account = only(estimate([stack], TEST_PRICES))

    typeless = line(account, "endpoint churn-prod/AllTraffic: ?")
    assert (typeless.quantity, typeless.monthly_usd) == (2, None)
    assert "instance type not literal" in typeless.note
    countless = line(account, "endpoint churn-prod/Blue: ml.m5.large")
    assert (countless.quantity, countless.monthly_usd) == (0, None)
    assert "instance count not literal" in countless.note


# --- Model Monitor (rules/monitoring.py) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "runs", "usd"),
    [
        ("cron(0 * ? * * *)", 730, 15.57),  # 730 runs × 10/60 h × $0.128
        ("cron(0 0 ? * * *)", 30.4, 0.65),  # 30.42 runs × 10/60 h × $0.128 = 0.649
        ("cron(0 */6 ? * * *)", 121.7, 2.60),  # 121.67 runs × 10/60 h × $0.128 = 2.596
        (None, 730, 15.57),  # no expression: hourly, flagged
    ],
)
def test_monitoring_schedule_prices_runs_times_assumed_length(make_stack, expression, runs, usd):
    stack = make_stack(monitoring(expression))

    monitor = line(only(estimate([stack], TEST_PRICES)), "Model Monitor churn-data-quality: ml.m5.large")

    assert monitor.quantity == runs
    assert monitor.monthly_usd == usd
    assert "10 min a run (assumed)" in monitor.note
    assert monitor.condition == "HasModel" and monitor.note.endswith("once a model is promoted")


def test_monitoring_finds_a_job_definition_with_a_generated_name(make_stack):
    """How the platform names them (replacement-safe): the schedule takes the name from the ARN."""
    resources = monitoring("cron(0 * ? * * *)")
    del resources["Job"]["Properties"]["JobDefinitionName"]
    resources["Schedule"]["Properties"]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] = {
        "Fn::Select": [1, {"Fn::Split": ["/", {"Fn::GetAtt": ["Job", "JobDefinitionArn"]}]}]
    }
    monitor = line(
        only(estimate([make_stack(resources)], TEST_PRICES)), "Model Monitor churn-data-quality: ml.m5.large"
    )
    assert monitor.monthly_usd is not None


def test_monitoring_run_capped_by_the_jobs_max_runtime_and_unknown_instance(make_stack):
    capped = make_stack(
        monitoring("cron(0 * ? * * *)", job_props={"StoppingCondition": {"MaxRuntimeInSeconds": 300}})
    )
    unknown = make_stack(monitoring("cron(0 * ? * * *)", instance_type="ml.r7i.large"))

    assert (
        line(only(estimate([capped], TEST_PRICES)), "Model Monitor").monthly_usd == 7.79
    )  # 730 × 5/60 × 0.128
    odd = line(only(estimate([unknown], TEST_PRICES)), "Model Monitor")
    assert odd.monthly_usd is None and "price unknown" in odd.note


def test_model_quality_monitoring_is_priced_through_its_job_definition(make_stack):
    """The platform's second monitor, made when a project has `monitoring.ground_truth_uri`."""
    resources = monitoring("cron(0 * ? * * *)")
    resources["Job"]["Type"] = "AWS::SageMaker::ModelQualityJobDefinition"
    resources["Schedule"]["Properties"]["MonitoringScheduleConfig"]["MonitoringType"] = "ModelQuality"

    account = only(estimate([make_stack(resources)], TEST_PRICES))

    assert line(account, "Model Monitor churn-data-quality: ml.m5.large").monthly_usd == 15.57
    assert line(account, "no charge of their own").quantity == 1  # the job definition itself


def test_monitoring_with_an_inline_job_definition(make_stack):
    schedule = monitoring("cron(0 0 ? * * *)")["Schedule"]
    schedule["Properties"]["MonitoringScheduleConfig"]["MonitoringJobDefinition"] = {
        "MonitoringResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large"}},
        "StoppingCondition": {"MaxRuntimeInSeconds": 120},
    }

    monitor = line(only(estimate([make_stack({"Schedule": schedule})], TEST_PRICES)), "Model Monitor")

    assert monitor.monthly_usd == 0.13  # 30.42 daily runs × 2/60 h × $0.128
    assert "2 min a run (the job's MaxRuntimeInSeconds)" in monitor.note


def test_monitoring_whose_job_definition_is_elsewhere_is_reported_unpriced(make_stack):
    schedule = monitoring("cron(0 * ? * * *)")["Schedule"]

    monitor = line(only(estimate([make_stack({"Schedule": schedule})], TEST_PRICES)), "Model Monitor")

    assert (monitor.what, monitor.quantity, monitor.monthly_usd) == (
        "Model Monitor churn-data-quality",
        730,
        None,
    )
    assert "its job definition is not in this template" in monitor.note


def test_monitoring_on_several_instances(make_stack):
    resources = monitoring("cron(0 * ? * * *)")
    resources["Job"]["Properties"]["JobResources"]["ClusterConfig"]["InstanceCount"] = 2

    monitor = line(only(estimate([make_stack(resources)], TEST_PRICES)), "Model Monitor")

    assert monitor.monthly_usd == 31.15  # 730 runs × 10/60 h × 2 × $0.128
    assert "× 2 instances" in monitor.note


# --- network (rules/network.py) -----------------------------------------------------------------------------


def test_interface_endpoints_bill_per_az_they_span_and_gateways_are_free(make_stack):
    stack = make_stack(
        {
            "SageMakerApi": interface_endpoint(azs=2),
            "Sts": interface_endpoint(azs=2),
            "Logs": interface_endpoint(azs=3),
            "S3": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "Gateway"}},
            "DynamoDb": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {},
            },  # CloudFormation's default: Gateway
        },
        stage="dev",
    )

    endpoints = line(only(estimate([stack], TEST_PRICES)), "interface VPC endpoint-AZs (eu-west-1)")

    assert endpoints.quantity == 7  # 2 + 2 + 3 endpoint-AZs, gateways not among them
    assert endpoints.monthly_usd == 56.21  # 7 × $0.011 × 730 h = 56.21
    assert "3 endpoints" in endpoints.note


def subnets(*zones: str) -> dict:
    return {
        f"Subnet{i}": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": z}}
        for i, z in enumerate(zones)
    }


def test_each_way_out_says_what_the_other_would_cost(make_stack):
    """Endpoints only: what one NAT gateway would cost instead; NAT only: what the endpoints its
    workflows call would cost (dev: 8, serving: 2) in its zones; both: that it pays twice."""
    zones = subnets("eu-west-1a", "eu-west-1b")
    nat = {"Nat": {"Type": "AWS::EC2::NatGateway"}}
    endpoints_only = make_stack(
        {**zones, "E0": interface_endpoint(azs=2), "E1": interface_endpoint(azs=2)}, stage="prod"
    )
    nat_only = make_stack(
        {**zones, **subnets("eu-west-1a", "eu-west-1b"), **nat}, stage="dev", account="111111111111"
    )
    both = make_stack({**zones, **nat, "E0": interface_endpoint(azs=2)}, stage="test", account="222222222222")

    dev, test, prod = (a.notes for a in estimate([nat_only, both, endpoints_only], TEST_PRICES))

    # $0.048 + $0.005 (its IPv4 address) × 730 h = $38.69; 8 endpoints × 1 AZ (the default) × $0.011 × 730 h
    assert dev == (
        'egress: NAT gateway ≈ $38.69/month + $0.048/GB; network.dev.egress = "vpc-endpoints-only" instead: '
        "8 endpoints × 1 AZ (network.dev.endpoint_zones) ≈ $64.24/month",
    )
    assert test == (
        "egress pays twice: 1 interface endpoints ($16.06/month) beside the NAT gateway ($38.69/month); "
        "see network.test.interface_endpoints",
    )
    assert prod == (
        'egress: 2 interface endpoints ≈ $32.12/month, no route out; network.prod.egress = "nat-gateway" '
        "instead: one NAT gateway and its IPv4 address ≈ $38.69/month + $0.048/GB",
    )
    assert prod[0] in format_costs(estimate([endpoints_only], TEST_PRICES), TEST_PRICES)


def test_an_account_without_a_vpc_gets_no_egress_note(make_stack):
    assert only(estimate([make_stack({"Key": {"Type": "AWS::KMS::Key"}})], TEST_PRICES)).notes == ()


def test_interface_endpoint_with_unknown_subnets_is_flagged(make_stack):
    odd = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {"VpcEndpointType": "Interface", "SubnetIds": {"Ref": "Subnets"}},
    }
    stack = make_stack({"Odd": odd, "Known": interface_endpoint(azs=1)})

    account = only(estimate([stack], TEST_PRICES))

    assert line(account, "interface VPC endpoint-AZs").monthly_usd == 8.03  # 1 × $0.011 × 730
    unknown = line(account, "interface VPC endpoints (eu-west-1)")
    assert unknown.monthly_usd is None and "AZ count is unknown" in unknown.note


def test_nat_gateway_and_its_public_address(make_stack):
    stack = make_stack(
        {
            "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {}},
            "NatIp": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        },
        stage="dev",
        region="us-east-1",
    )

    account = only(estimate([stack], TEST_PRICES))

    assert line(account, "NAT gateways (us-east-1)").monthly_usd == 32.85  # $0.045 × 730 h
    assert line(account, "public IPv4").monthly_usd == 3.65  # $0.005 × 730 h
    assert account.total == 36.50


def test_vpc_endpoint_of_another_type_is_not_assessed(make_stack):
    odd = {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"VpcEndpointType": "GatewayLoadBalancer"}}

    unassessed = line(only(estimate([make_stack({"Odd": odd})], TEST_PRICES)), "not assessed")

    assert unassessed.monthly_usd is None and "EC2::VPCEndpoint (GatewayLoadBalancer)" in unassessed.note


def test_a_price_missing_from_a_region_s_table_gives_an_unpriced_line(make_stack):
    data = copy.deepcopy(TEST_PRICES.data)
    for key in ("nat_gateway_hour", "interface_endpoint_az_hour", "cloudwatch_alarm_metric_month"):
        del data["regions"]["eu-west-1"][key]
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "X", "Period": 300}}
    tracking = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {"PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {}},
    }
    resources = {"Nat": {"Type": "AWS::EC2::NatGateway"}, "Api": interface_endpoint(azs=2), "Alarm": alarm}
    stack = make_stack({**resources, "Policy": tracking})

    account = only(estimate([stack], PriceTable(data)))

    for what, key in (
        ("NAT gateways (eu-west-1)", "nat_gateway_hour"),
        ("interface VPC endpoint-AZs (eu-west-1)", "interface_endpoint_az_hour"),
        ("CloudWatch alarms (eu-west-1)", "cloudwatch_alarm_metric_month"),
        ("CloudWatch alarms by target tracking (eu-west-1)", "cloudwatch_alarm_metric_month"),
    ):
        missing = line(account, what)
        assert missing.monthly_usd is None
        assert missing.note == f"price unknown: no {key} for eu-west-1 in prices.toml"
    assert len(account.unpriced) == 4


# --- KMS keys (rules/kms.py) --------------------------------------------------------------------------------


def test_kms_keys_cost_a_dollar_a_month_each_rotation_noted(make_stack):
    keys = {
        f"Key{i}": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": i < 2}} for i in range(3)
    }
    keys["Alias"] = {"Type": "AWS::KMS::Alias", "Properties": {}}

    kms = line(only(estimate([make_stack(keys)], TEST_PRICES)), "KMS customer-managed keys")

    assert (kms.quantity, kms.monthly_usd) == (3, 3.00)
    assert "2 rotate yearly" in kms.note


def test_kms_keys_under_a_condition_are_a_line_of_their_own(make_stack):
    keys = {
        "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        "ServingKey": {
            "Type": "AWS::KMS::Key",
            "Condition": "HasModel",
            "Properties": {"EnableKeyRotation": True},
        },
    }

    account = only(estimate([make_stack(keys)], TEST_PRICES))

    always, once = (candidate for candidate in account.lines if candidate.what.startswith("KMS"))
    assert (always.quantity, always.monthly_usd, always.condition) == (1, 1.00, None)
    assert always.note == "$1.00/key-month + requests"
    assert (once.quantity, once.condition) == (1, "HasModel") and "1 rotate yearly" in once.note


# --- alarms (rules/alarms.py) -------------------------------------------------------------------------------


def test_alarms_bill_per_metric_they_read(make_stack):
    single = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Latency", "Period": 60}}
    high_res = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Latency", "Period": 10}}
    ratio = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "Metrics": [
                {"Id": "rate", "Expression": "100 * errors / invocations"},
                {"Id": "errors", "MetricStat": {"Period": 60, "Metric": {}}},
                {"Id": "invocations", "MetricStat": {"Period": 60, "Metric": {}}},
            ]
        },
    }
    composite = {"Type": "AWS::CloudWatch::CompositeAlarm", "Properties": {"AlarmRule": "ALARM(a)"}}
    tracking = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {"PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {}},
    }
    stack = make_stack({"A": single, "B": high_res, "C": ratio, "D": composite, "Policy": tracking})

    account = only(estimate([stack], TEST_PRICES))

    alarms = line(account, "CloudWatch alarms (eu-west-1)")
    assert alarms.quantity == 4
    assert alarms.monthly_usd == 1.10  # 3 standard × $0.10 + 1 high-res × $0.30 + 1 composite × $0.50
    assert "3 alarm metrics" in alarms.note
    tracked = line(account, "CloudWatch alarms by target tracking")
    assert (tracked.quantity, tracked.monthly_usd) == (2, 0.20)  # the high and the low alarm


def test_anomaly_band_reads_two_more_metrics_and_tracking_without_scale_in_makes_one_alarm(make_stack):
    band = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "Metrics": [
                {"Id": "m1", "MetricStat": {"Period": 300, "Metric": {}}},
                {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)"},
            ]
        },
    }
    tracking = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {"DisableScaleIn": True},
        },
    }
    step = {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy", "Properties": {"PolicyType": "StepScaling"}}

    account = only(estimate([make_stack({"Band": band, "Policy": tracking, "Step": step})], TEST_PRICES))

    alarms = line(account, "CloudWatch alarms (eu-west-1)")
    assert (alarms.quantity, alarms.monthly_usd) == (1, 0.30)  # 1 MetricStat + the band's 2 bounds
    assert "3 alarm metrics" in alarms.note
    tracked = line(account, "CloudWatch alarms by target tracking")
    assert (tracked.quantity, tracked.monthly_usd) == (1, 0.10)  # the high alarm only
    assert line(account, "no charge of their own").quantity == 2  # the policies themselves


# --- CodePipeline and Studio (rules/codepipeline.py, rules/studio.py) ---------------------------------------


def test_codepipeline_v2_and_studio_cost_nothing_idle(make_stack):
    domain = {
        "Type": "AWS::SageMaker::Domain",
        "Properties": {
            "DomainName": "mlplatform",
            "DefaultUserSettings": {
                "JupyterLabAppSettings": {
                    "AppLifecycleManagement": {
                        "IdleSettings": {"LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 45}
                    },
                    "DefaultResourceSpec": {"InstanceType": "ml.t3.medium"},
                }
            },
        },
    }
    pipeline = {"Type": "AWS::CodePipeline::Pipeline", "Properties": {"PipelineType": "V2"}}
    account = only(estimate([make_stack({"Domain": domain, "Pipeline": pipeline}, stage="dev")], TEST_PRICES))

    studio = line(account, "SageMaker Studio domain mlplatform")
    assert studio.monthly_usd == 0.0
    assert "shut down after 45 min idle" in studio.note and "ml.t3.medium" in studio.note
    codepipeline = line(account, "CodePipeline pipelines")
    assert codepipeline.monthly_usd == 0.0 and "per action-minute" in codepipeline.note
    assert account.total == 0.0


def test_codepipeline_v1_and_studio_without_idle_shutdown(make_stack):
    domain = {
        "Type": "AWS::SageMaker::Domain",
        "Properties": {"DomainName": "lab", "DefaultUserSettings": {}},
    }
    pipeline = {"Type": "AWS::CodePipeline::Pipeline", "Properties": {}}  # CloudFormation's default: V1

    account = only(estimate([make_stack({"Domain": domain, "Pipeline": pipeline}, stage="dev")], TEST_PRICES))

    studio = line(account, "SageMaker Studio domain lab")
    assert studio.monthly_usd == 0.0 and "bill while open: no idle shutdown set" in studio.note
    v1 = line(account, "CodePipeline pipelines (V1)")
    assert (v1.quantity, v1.monthly_usd) == (1, 0.0) and v1.note.startswith("V1: $0 idle")


# --- DynamoDB; usage-based, no-charge and unknown types (rules/dynamodb.py, rules/__init__.py) --------------


def test_usage_based_no_charge_and_unknown_types(make_stack):
    stack = make_stack(
        {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
            "Table": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"BillingMode": "PAY_PER_REQUEST"}},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Custom": {"Type": "Custom::VpcRestrictDefaultSG", "Properties": {}},
            "Box": {"Type": "AWS::EC2::Instance", "Properties": {"InstanceType": "t3.micro"}},
            "Provisioned": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PROVISIONED",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 5},
                },
            },
        }
    )

    account = only(estimate([stack], TEST_PRICES))

    usage = line(account, "usage-based")
    assert (usage.quantity, usage.monthly_usd) == (3, 0.0)
    assert "S3 1" in usage.note and "DynamoDB 1" in usage.note and "Lambda 1" in usage.note
    assert line(account, "no charge of their own").quantity == 2
    unassessed = line(account, "not assessed")
    assert unassessed.monthly_usd is None and "EC2::Instance" in unassessed.note
    assert line(account, "DynamoDB table").monthly_usd is None  # provisioned capacity bills idle


def test_provisioned_global_table_is_not_called_free(make_stack):
    tables = {
        "Features": {
            "Type": "AWS::DynamoDB::GlobalTable",
            "Properties": {"TableName": "features", "WriteProvisionedThroughputSettings": {}},
        },
        "Decisions": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"TableName": "decisions"}},
    }

    account = only(estimate([make_stack(tables)], TEST_PRICES))

    features = line(account, "DynamoDB table features: provisioned")
    assert features.monthly_usd is None and "provisioned capacity bills while idle" in features.note
    assert line(account, "usage-based").note == "per request, GB or run: DynamoDB 1"  # on demand


# The kinds the rules know that the example platform does not make, and what makes them.
NOT_IN_THE_EXAMPLE = {
    "AWS::EC2::NatGateway": 'network.egress = "nat-gateway"',
    "AWS::EC2::EIP": 'network.egress = "nat-gateway"',
    "AWS::EC2::InternetGateway": 'network.egress = "nat-gateway"',
    "AWS::EC2::Route": 'network.egress = "nat-gateway"',
    "AWS::EC2::VPCGatewayAttachment": 'network.egress = "nat-gateway"',
    "AWS::CloudWatch::CompositeAlarm": "nothing: test_alarms_bill_per_metric_they_read prices one",
    "AWS::DynamoDB::Table": "nothing: test_usage_based_no_charge_and_unknown_types prices one",
}


def test_the_rules_know_only_kinds_the_platform_makes(synthesized):
    made = {r["Type"] for stack in synthesized.values() for r in stack.template.get("Resources", {}).values()}
    known = set(RULES) | USAGE_BASED | NO_CHARGE

    assert known - made == set(NOT_IN_THE_EXAMPLE)
    assert {kind for kind in made - known if not kind.startswith("Custom::")} == set()


# --- accounts and regions (estimate.py) ---------------------------------------------------------------------


def test_unknown_region_uses_the_flagged_fallback(make_stack):
    stack = make_stack(
        {
            "Endpoint": endpoint(),
            "Config": endpoint_config(instances(initial=1)),
            "Nat": {"Type": "AWS::EC2::NatGateway"},
        },
        region="ap-southeast-4",
    )

    account = only(estimate([stack], TEST_PRICES))

    served = line(account, "endpoint churn-prod/AllTraffic")
    assert served.monthly_usd == 100.74  # $0.115 (us-east-1) × 1.2 × 730 h
    assert "ap-southeast-4†" in served.note
    assert line(account, "NAT gateways").monthly_usd == 39.42  # $0.045 × 1.2 × 730
    assert account.fallback_regions == ("ap-southeast-4",)
    report = format_costs([account, account], TEST_PRICES)
    explained = (
        "† no list price for ap-southeast-4 in platform_config/prices.toml; "
        "the estimate uses us-east-1 × 1.2 there"
    )
    assert report.count(explained) == 1 and report.rstrip().endswith("for real prices)")


def test_every_region_the_config_accepts_is_priced_or_flagged():
    """A new SageMaker region in botocore's data fails here until prices.toml prices or lists it."""
    assert PriceTable.load().unpriced(sagemaker_regions()) == []


def test_a_region_neither_priced_nor_flagged_is_caught():
    """Negative control: the test table prices two regions and flags one."""
    assert TEST_PRICES.unpriced(["eu-west-1", "ap-southeast-4", "sa-east-1"]) == ["sa-east-1"]
    assert PriceTable.load().unpriced(["xx-nowhere-1"]) == ["xx-nowhere-1"]


def test_accounts_by_role_in_stack_order_and_regions_kept_apart(make_stack):
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "X", "Period": 300}}
    stacks = [
        make_stack({"Key": {"Type": "AWS::KMS::Key"}}, stage="dev", account="111111111111"),
        make_stack(
            {"Key": {"Type": "AWS::KMS::Key"}}, stage="dev", account="111111111111", region="us-east-1"
        ),
        make_stack({"Alarm": alarm}, stage="prod", region="us-east-1"),
        make_stack({"Alarm": alarm, "Other": alarm}, stage="prod"),
    ]

    dev, prod = estimate(stacks, TEST_PRICES)

    assert (dev.role, dev.account, prod.role) == ("dev", "111111111111", "prod")
    assert line(dev, "KMS").quantity == 2  # keys cost the same everywhere: one line across regions
    assert line(prod, "CloudWatch alarms (us-east-1)").quantity == 1
    assert line(prod, "CloudWatch alarms (eu-west-1)").quantity == 2


def test_the_example_platform_has_no_unpriced_line(synthesized):
    unpriced = [
        line
        for account in estimate(list(synthesized.values()))
        for line in account.lines
        if line.monthly_usd is None
    ]
    assert unpriced == []


# --- the report (report.py) ---------------------------------------------------------------------------------


def test_format_costs_says_what_the_numbers_are(make_stack):
    stack = make_stack({"Nat": {"Type": "AWS::EC2::NatGateway"}}, stage="dev", account="111111111111")

    text = format_costs(estimate([stack], TEST_PRICES))

    first = text.splitlines()[0]
    assert (
        "estimates" in first
        and "list prices" in first
        and "idle" in first
        and "platform_config/prices.toml" in first
    )
    assert "dev account 111111111111" in text
    assert re.search(r"NAT gateways \(eu-west-1\)\s+1\s+35\.04", text)  # $0.048 × 730
    assert "total ≈ $35.04/month" in text


def test_format_costs_of_an_empty_account_and_a_long_name():
    long_name = "endpoint " + "x" * 70 + ": ml.m5.large"
    accounts = [
        AccountCost("dev", "111111111111", ()),
        AccountCost("prod", "333333333333", (CostLine(long_name, 2.5, 12.5, "a note"),)),
    ]

    text = format_costs(accounts).splitlines()

    assert text[1:4] == ["", "dev account 111111111111", "  nothing deployed"]
    row = text[-2]
    assert row.startswith("  endpoint xxx") and long_name[:55] + "…" in row
    assert re.search(r"…\s+2\.5\s+12\.50  a note$", row)  # 58 wide, one decimal, two-decimal dollars


def test_lines_under_another_condition_and_tiny_prices_say_so():
    assert condition_label(None) == "" and condition_label("HasModel") == "once a model is promoted"
    assert condition_label("IsProd") == "only if condition IsProd holds"
    assert [usd(amount) for amount in (0.1, 0.128, 0.011, 1.0, 0.00001667)] == [
        "$0.10",
        "$0.128",
        "$0.011",
        "$1.00",
        "$0.000017",
    ]
