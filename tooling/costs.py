"""Cost at a glance: what each account costs per month while IDLE, read from the synthesized templates.

Idle means deployed but unused: no requests, no pipeline or job runs, no data stored or moved. What
still bills then is what runs by the hour (endpoint instances, interface endpoints, NAT gateways), what
bills by the month (KMS keys, CloudWatch alarms, public IPv4 addresses) and what runs on a schedule
(Model Monitor). Everything else is listed as usage-based or as having no charge of its own. Prices come
from `tooling/prices.toml` (on-demand list prices; see its header for sources, date and fallbacks).

    from tooling.costs import estimate, format_costs
    print(format_costs(estimate(read_assembly("cdk.out"))))
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.cfn_values import join, renderer
from tooling.assembly import SynthesizedStack
from tooling.cfn_references import references

PRICES_FILE = Path(__file__).with_name("prices.toml")

# The CloudFormation condition that serving resources carry: they exist only once a package is promoted.
MODEL_CONDITION = "HasModel"

_MONITORING_JOB_TYPES = frozenset(
    f"AWS::SageMaker::{kind}JobDefinition"
    for kind in ("DataQuality", "ModelQuality")
)

# Billed per request, GB stored or moved, or run: ~$0 while idle.
_USAGE_BASED = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::DynamoDB::Table",  # on-demand ones; provisioned capacity is reported separately
        "AWS::DynamoDB::GlobalTable",
        "AWS::Lambda::Function",
        "AWS::Events::Rule",
        "AWS::Events::EventBus",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::EC2::FlowLog",
        "AWS::CodeBuild::Project",
        "AWS::SageMaker::Pipeline",
    }
)

# No charge of their own (what they make run is priced where it runs).
_NO_CHARGE = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
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
        "AWS::SageMaker::EndpointConfig",  # priced through the endpoint that uses it
        "AWS::ApplicationAutoScaling::ScalableTarget",  # read for the endpoint's minimum
        "AWS::ApplicationAutoScaling::ScalingPolicy",  # its alarms are counted with the alarms
        *_MONITORING_JOB_TYPES,  # priced through the schedule that runs them
    }
)


# ---------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class CostLine:
    what: str
    quantity: float
    monthly_usd: float | None  # None: the price is unknown (see the note)
    note: str = ""
    condition: str | None = None  # the CloudFormation condition the resources carry, e.g. "HasModel"

    @property
    def priced(self) -> bool:
        return self.monthly_usd is not None


@dataclass(frozen=True)
class AccountCost:
    role: str  # dev, test or prod
    account: str
    lines: tuple[CostLine, ...]
    fallback_regions: tuple[str, ...] = ()  # regions priced with the flagged fallback multiplier

    @property
    def total(self) -> float:
        """Every priced line, conditional ones included: the idle cost once everything exists."""
        return round(sum(line.monthly_usd for line in self.lines if line.priced), 2)

    @property
    def total_unconditional(self) -> float:
        """Only what exists unconditionally: the idle cost before any model is promoted."""
        return round(sum(line.monthly_usd for line in self.lines if line.priced and not line.condition), 2)

    @property
    def unpriced(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if not line.priced)


# ---------------------------------------------------------------------------------------------------
# Prices


@dataclass(frozen=True)
class Rate:
    per_unit: float
    source: str  # "eu-west-1", or the flagged fallback
    fallback: bool = False


class PriceTable:
    """`tooling/prices.toml`, with the fallback for regions it has no table for."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.hours_per_month = float(data["hours_per_month"])
        self.monitoring_run_minutes = float(data["assumptions"]["monitoring_run_minutes"])
        self.base_region = data["fallback"]["base_region"]
        self.multiplier = float(data["fallback"]["multiplier"])

    @classmethod
    def load(cls, path: str | Path = PRICES_FILE) -> PriceTable:
        return cls(tomllib.loads(Path(path).read_text(encoding="utf-8")))

    def global_rate(self, key: str) -> float:
        return float(self.data["global"][key])

    def regional(self, region: str, key: str, table: str | None = None) -> Rate | None:
        """`key` of `region` (inside `table` if given); None when the table lacks it."""
        regions = self.data["regions"]
        fallback = region not in regions
        values = regions[self.base_region if fallback else region]
        if table is not None:
            values = values.get(table, {})
        if key not in values:
            return None
        if fallback:
            return Rate(
                float(values[key]) * self.multiplier,
                f"FALLBACK: {region} not in prices.toml, {self.base_region} × {self.multiplier:g}",
                fallback=True,
            )
        return Rate(float(values[key]), region)


# ---------------------------------------------------------------------------------------------------
# Schedules


_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_CRON_MONTHS = {month: i for i, month in enumerate(_MONTH_NAMES, start=1)}
_CRON_DAYS = {day: i for i, day in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}


@dataclass(frozen=True)
class Schedule:
    runs_per_month: float
    label: str  # "hourly", "daily", "every 6 hours", ...
    understood: bool = True


def parse_schedule(expression: Any, hours_per_month: float = 730.0) -> Schedule:
    """Runs a month of a SageMaker/EventBridge schedule expression; hourly (flagged) if unreadable.

    `cron(minutes hours day-of-month month day-of-week [year])`, `rate(N unit)` and `NOW` (one run).
    """
    days_per_month = hours_per_month / 24
    if not isinstance(expression, str) or not expression.strip():
        return Schedule(hours_per_month, "hourly (assumed: no schedule expression)", understood=False)
    text = expression.strip()
    if text.upper() == "NOW":
        return Schedule(0.0, "once (NOW), not monthly")
    try:
        if match := re.fullmatch(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)", text):
            every = int(match[1])
            minutes = every * {"m": 1, "h": 60, "d": 1440}[match[2][0]]
            if every < 1:
                raise ValueError(text)
            runs = hours_per_month * 60 / minutes
            return Schedule(runs, "hourly" if minutes == 60 else f"every {every} {match[2]}")
        if not (match := re.fullmatch(r"cron\((.*)\)", text)):
            raise ValueError(text)
        fields = match[1].split()
        if len(fields) not in (5, 6):
            raise ValueError(text)
        minute_f, hour_f, dom_f, month_f, dow_f = fields[:5]
        minutes_set = _cron_field(minute_f, 0, 59)
        hours_set = _cron_field(hour_f, 0, 23)
        dom_set = _cron_field(dom_f, 1, 31)
        month_set = _cron_field(month_f, 1, 12, _CRON_MONTHS)
        dow_set = _cron_field(dow_f, 1, 7, _CRON_DAYS)
    except (ValueError, KeyError):
        return Schedule(hours_per_month, f"hourly (assumed: could not read {text!r})", understood=False)

    per_day = len(minutes_set) * len(hours_set)
    if dom_f not in ("*", "?"):
        days, days_label = float(len(dom_set)), f", on {len(dom_set)} days a month"
    elif dow_f not in ("*", "?"):
        days, days_label = len(dow_set) / 7 * days_per_month, f", {len(dow_set)} days a week"
    else:
        days, days_label = days_per_month, ""
    months_label = "" if len(month_set) == 12 else f", {len(month_set)} months a year"
    runs = per_day * days * len(month_set) / 12

    hours_sorted = sorted(hours_set)
    gaps = {
        (b - a) % 24 or 24 for a, b in zip(hours_sorted, hours_sorted[1:] + hours_sorted[:1], strict=True)
    }
    if per_day == 24 and len(minutes_set) == 1:
        label = "hourly"
    elif per_day == 1:
        label = "daily"
    elif len(minutes_set) == 1 and len(gaps) == 1:
        label = f"every {gaps.pop()} hours"
    else:
        label = f"{per_day} times a day"
    return Schedule(runs, label + days_label + months_label)


def _cron_field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))

    def value(token: str) -> int:
        token = token.upper()
        return names[token] if names and token in names else int(token)

    out: set[int] = set()
    for part in text.split(","):
        step = None
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError(text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start, end = (value(t) for t in part.split("-", 1))
        else:
            start = value(part)
            end = high if step else start
        if not low <= start <= end <= high:
            raise ValueError(text)
        out.update(range(start, end + 1, step or 1))
    return out


# ---------------------------------------------------------------------------------------------------
# Estimating


def estimate(stacks: Iterable[SynthesizedStack], prices: PriceTable | None = None) -> list[AccountCost]:
    """Per account role (in the stacks' order), the monthly cost of what runs while idle."""
    prices = prices or PriceTable.load()
    accounts: dict[str, _Account] = {}
    for stack in stacks:
        account = accounts.setdefault(stack.stage, _Account(stack.stage, stack.account, prices))
        account.add(stack)
    return [account.result() for account in accounts.values()]


def condition_label(condition: str | None) -> str:
    if not condition:
        return ""
    if condition == MODEL_CONDITION:
        return "once a model is promoted"
    return f"only if condition {condition} holds"


@dataclass
class _Account:
    role: str
    account: str
    prices: PriceTable
    lines: list[CostLine] = field(default_factory=list)
    # (kind, region, condition) -> summed numbers, rendered into lines at the end
    sums: dict[tuple[str, str | None, str | None], Counter] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    usage: Counter = field(default_factory=Counter)
    no_charge: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)
    fallback_regions: set[str] = field(default_factory=set)

    # -- reading one stack --------------------------------------------------------------------------

    def add(self, stack: SynthesizedStack) -> None:
        template = stack.template
        resources: dict[str, dict] = template.get("Resources", {}) or {}
        region = stack.region
        if region not in self.prices.data["regions"]:
            self.fallback_regions.add(region)
        minimums = _scalable_minimums(template)
        for lid, resource in resources.items():
            kind = resource.get("Type", "")
            props = resource.get("Properties", {}) or {}
            condition = resource.get("Condition")
            if kind == "AWS::SageMaker::Endpoint":
                self._endpoint(template, lid, resource, region, minimums)
            elif kind == "AWS::EC2::VPCEndpoint":
                endpoint_type = props.get("VpcEndpointType", "Gateway")  # CloudFormation's default
                if endpoint_type == "Interface":
                    subnets = props.get("SubnetIds")
                    if isinstance(subnets, list) and subnets:
                        self._sum("interface_endpoint", region, condition, endpoints=1, azs=len(subnets))
                    else:
                        self._sum("interface_endpoint", region, condition, endpoints=1, unknown_azs=1)
                elif endpoint_type == "Gateway":
                    self.no_charge[kind] += 1
                else:
                    self.unknown[f"{kind} ({endpoint_type})"] += 1
            elif kind == "AWS::EC2::NatGateway":
                self._sum("nat", region, condition, count=1)
            elif kind == "AWS::EC2::EIP":
                self._sum("ipv4", None, condition, count=1)
            elif kind == "AWS::KMS::Key":
                rotating = 1 if _literal(props.get("EnableKeyRotation"), template) in (True, "true") else 0
                self._sum("kms", None, condition, count=1, rotating=rotating)
            elif kind == "AWS::CloudWatch::Alarm":
                standard, high_res = _alarm_metrics(props)
                self._sum("alarm", region, condition, alarms=1, standard=standard, high_res=high_res)
            elif kind == "AWS::CloudWatch::CompositeAlarm":
                self._sum("alarm", region, condition, alarms=1, composite=1)
            elif kind == "AWS::ApplicationAutoScaling::ScalingPolicy":
                self.no_charge[kind] += 1
                if props.get("PolicyType") == "TargetTrackingScaling":
                    config = props.get("TargetTrackingScalingPolicyConfiguration") or {}
                    made = 1 if _literal(config.get("DisableScaleIn"), template) in (True, "true") else 2
                    self._sum("tracking_alarm", region, condition, alarms=made)
            elif kind == "AWS::SageMaker::MonitoringSchedule":
                self._monitoring(template, lid, resource, region)
            elif kind == "AWS::SageMaker::Domain":
                self._studio(lid, resource)
            elif kind == "AWS::CodePipeline::Pipeline":
                version = "V2" if props.get("PipelineType") == "V2" else "V1"
                self._sum(f"pipeline_{version}", None, None, count=1)
            elif kind in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") and _provisioned(props):
                self.lines.append(
                    CostLine(
                        f"DynamoDB table {props.get('TableName', lid)}: provisioned",
                        1,
                        None,
                        _join(
                            "provisioned capacity bills while idle; not in prices.toml",
                            condition_label(condition),
                        ),
                        condition,
                    )
                )
            elif kind in _USAGE_BASED:
                self.usage[kind] += 1
            elif kind in _NO_CHARGE or kind.startswith("Custom::"):
                self.no_charge[kind] += 1
            else:
                self.unknown[kind] += 1

    def _sum(self, kind: str, region: str | None, condition: str | None, **numbers: int) -> None:
        self.sums[(kind, region, condition)].update(numbers)

    def _endpoint(
        self, template: dict, lid: str, resource: dict, region: str, minimums: dict[str, Any]
    ) -> None:
        resources = template.get("Resources", {})
        props = resource.get("Properties", {}) or {}
        name = _endpoint_name(lid, resource)
        condition = resource.get("Condition")
        config_id = _referenced(props.get("EndpointConfigName"), resources)
        if config_id is None:
            wanted = props.get("EndpointConfigName")
            config_id = next(
                (
                    other
                    for other, r in resources.items()
                    if r.get("Type") == "AWS::SageMaker::EndpointConfig"
                    and isinstance(wanted, str)
                    and (r.get("Properties") or {}).get("EndpointConfigName") == wanted
                ),
                None,
            )
        if config_id is None or resources[config_id].get("Type") != "AWS::SageMaker::EndpointConfig":
            self.lines.append(
                CostLine(
                    f"endpoint {name}",
                    1,
                    None,
                    _join(
                        "price unknown: its endpoint config is not in this template",
                        condition_label(condition),
                    ),
                    condition,
                )
            )
            return
        config = resources[config_id]
        condition = condition or config.get("Condition")
        when = condition_label(condition)
        variants = (config.get("Properties") or {}).get("ProductionVariants") or []
        for variant in variants if isinstance(variants, list) else []:
            variant_name = _literal(variant.get("VariantName"), template) or "?"
            what = f"endpoint {name}/{variant_name}"
            serverless = variant.get("ServerlessConfig")
            if serverless is not None:
                provisioned = _number(serverless.get("ProvisionedConcurrency"), template)
                if provisioned:
                    self.lines.append(
                        CostLine(
                            f"{what}: serverless",
                            1,
                            None,
                            _join(
                                f"price unknown: provisioned concurrency {provisioned:g} bills while idle, "
                                "not in prices.toml",
                                when,
                            ),
                            condition,
                        )
                    )
                else:
                    self.lines.append(
                        CostLine(
                            f"{what}: serverless",
                            1,
                            0.0,
                            _join("serverless: $0 idle, billed per request and compute-second", when),
                            condition,
                        )
                    )
                continue
            instance_type = _literal(variant.get("InstanceType"), template)
            target = minimums.get(f"endpoint/{name}/variant/{variant_name}")
            if target is not None:
                count, basis = _number(target, template), "autoscaling MinCapacity"
            else:
                count, basis = _number(variant.get("InitialInstanceCount"), template), "InitialInstanceCount"
            what = f"{what}: {instance_type or '?'}"
            if not isinstance(instance_type, str):
                self.lines.append(
                    CostLine(
                        what,
                        count or 0,
                        None,
                        _join("price unknown: instance type not literal", when),
                        condition,
                    )
                )
                continue
            rate = self.prices.regional(region, instance_type, "sagemaker_hosting")
            if count is None:
                self.lines.append(
                    CostLine(
                        what, 0, None, _join("price unknown: instance count not literal", when), condition
                    )
                )
            elif rate is None:
                self.lines.append(
                    CostLine(
                        what,
                        count,
                        None,
                        _join(
                            f"price unknown: no {instance_type} hosting price for {region} in prices.toml",
                            when,
                        ),
                        condition,
                    )
                )
            else:
                monthly = count * rate.per_unit * self.prices.hours_per_month
                note = f"{basis}; {_usd(rate.per_unit)}/instance-hour ({rate.source})"
                self.lines.append(CostLine(what, count, monthly, _join(note, when), condition))

    def _monitoring(self, template: dict, lid: str, resource: dict, region: str) -> None:
        resources = template.get("Resources", {})
        props = resource.get("Properties", {}) or {}
        condition = resource.get("Condition")
        when = condition_label(condition)
        config = props.get("MonitoringScheduleConfig", {}) or {}
        name = _literal(props.get("MonitoringScheduleName"), template) or lid
        expression = _literal((config.get("ScheduleConfig") or {}).get("ScheduleExpression"), template)
        schedule = parse_schedule(expression, self.prices.hours_per_month)

        cluster, max_runtime = None, None
        inline = config.get("MonitoringJobDefinition")
        if isinstance(inline, dict):
            cluster = (inline.get("MonitoringResources") or {}).get("ClusterConfig")
            max_runtime = (inline.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
        else:
            wanted = config.get("MonitoringJobDefinitionName")
            # A Ref or GetAtt of the job definition, or its generated name taken from its ARN.
            job_id = next(
                (
                    i
                    for i in sorted(references(wanted).names)
                    if resources.get(i, {}).get("Type") in _MONITORING_JOB_TYPES
                ),
                None,
            )
            if job_id is None and isinstance(wanted, str):
                job_id = next(
                    (
                        other
                        for other, r in resources.items()
                        if r.get("Type") in _MONITORING_JOB_TYPES
                        and (r.get("Properties") or {}).get("JobDefinitionName") == wanted
                    ),
                    None,
                )
            if job_id is not None and resources[job_id].get("Type") in _MONITORING_JOB_TYPES:
                job = resources[job_id].get("Properties") or {}
                cluster = (job.get("JobResources") or {}).get("ClusterConfig")
                max_runtime = (job.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")

        if not isinstance(cluster, dict):
            self.lines.append(
                CostLine(
                    f"Model Monitor {name}",
                    round(schedule.runs_per_month, 1),
                    None,
                    _join("price unknown: its job definition is not in this template", when),
                    condition,
                )
            )
            return
        instance_type = _literal(cluster.get("InstanceType"), template)
        instance_count = _number(cluster.get("InstanceCount"), template) or 1
        what = f"Model Monitor {name}: {instance_type or '?'}"
        rate = (
            self.prices.regional(region, instance_type, "sagemaker_processing")
            if isinstance(instance_type, str)
            else None
        )
        if rate is None:
            self.lines.append(
                CostLine(
                    what,
                    round(schedule.runs_per_month, 1),
                    None,
                    _join(
                        f"price unknown: no {instance_type} processing price for {region} in prices.toml",
                        when,
                    ),
                    condition,
                )
            )
            return
        minutes = self.prices.monitoring_run_minutes
        minutes_note = f"{minutes:g} min a run (assumed)"
        capped = _number(max_runtime, template)
        if capped is not None and capped / 60 < minutes:
            minutes = capped / 60
            minutes_note = f"{minutes:g} min a run (the job's MaxRuntimeInSeconds)"
        monthly = schedule.runs_per_month * minutes / 60 * instance_count * rate.per_unit
        runs_note = f"{schedule.label} ({expression})" if expression else schedule.label
        count_note = f" × {instance_count:g} instances" if instance_count != 1 else ""
        note = f"{runs_note} runs × {minutes_note}{count_note} at {_usd(rate.per_unit)}/h ({rate.source})"
        self.lines.append(
            CostLine(what, round(schedule.runs_per_month, 1), monthly, _join(note, when), condition)
        )

    def _studio(self, lid: str, resource: dict) -> None:
        props = resource.get("Properties", {}) or {}
        name = props.get("DomainName") if isinstance(props.get("DomainName"), str) else lid
        lab = (props.get("DefaultUserSettings") or {}).get("JupyterLabAppSettings") or {}
        idle = ((lab.get("AppLifecycleManagement") or {}).get("IdleSettings")) or {}
        instance_type = (lab.get("DefaultResourceSpec") or {}).get("InstanceType", "their instance")
        if idle.get("LifecycleManagement") == "ENABLED" and idle.get("IdleTimeoutInMinutes"):
            apps = (
                f"JupyterLab apps ({instance_type}) shut down after {idle['IdleTimeoutInMinutes']} min idle, "
                "so none are counted"
            )
        else:
            apps = f"JupyterLab apps ({instance_type}) bill while open: no idle shutdown set, none counted"
        note = f"the domain costs nothing idle; {apps}; home directories (EFS) bill by volume"
        self.lines.append(
            CostLine(f"SageMaker Studio domain {name}", 1, 0.0, note, resource.get("Condition"))
        )

    # -- rendering ----------------------------------------------------------------------------------

    def result(self) -> AccountCost:
        lines = list(self.lines)
        for (kind, region, condition), n in sorted(self.sums.items(), key=lambda item: _order(item[0])):
            lines.extend(self._summed_lines(kind, region, condition, n))
        if self.usage:
            lines.append(
                CostLine(
                    "usage-based, ~$0 idle",
                    sum(self.usage.values()),
                    0.0,
                    "per request, GB or run: " + _services(self.usage),
                )
            )
        if self.unknown:
            lines.append(
                CostLine(
                    "not assessed",
                    sum(self.unknown.values()),
                    None,
                    "price unknown: tooling/costs.py does not know " + _types(self.unknown),
                )
            )
        if self.no_charge:
            lines.append(
                CostLine(
                    "no charge of their own",
                    sum(self.no_charge.values()),
                    0.0,
                    "IAM, VPC wiring, policies, ...",
                )
            )
        lines = [
            CostLine(
                line.what,
                line.quantity,
                None if line.monthly_usd is None else round(line.monthly_usd, 2),
                line.note,
                line.condition,
            )
            for line in lines
        ]
        return AccountCost(self.role, self.account, tuple(lines), tuple(sorted(self.fallback_regions)))

    def _summed_lines(
        self, kind: str, region: str | None, condition: str | None, n: Counter
    ) -> list[CostLine]:
        prices = self.prices
        hours = prices.hours_per_month
        when = condition_label(condition)

        def unknown(what: str, quantity: float, key: str) -> list[CostLine]:
            note = f"price unknown: no {key} for {region} in prices.toml"
            return [CostLine(what, quantity, None, _join(note, when), condition)]

        if kind == "interface_endpoint":
            what = f"interface VPC endpoint-AZs ({region})"
            out = []
            if n["azs"]:
                rate = prices.regional(region, "interface_endpoint_az_hour")
                if rate is None:
                    out += unknown(what, n["azs"], "interface_endpoint_az_hour")
                else:
                    note = (
                        f"{n['endpoints'] - n['unknown_azs']} endpoints × the AZs each spans, "
                        f"{_usd(rate.per_unit)}/h each ({rate.source}); + $0.01/GB"
                    )
                    out.append(
                        CostLine(
                            what, n["azs"], n["azs"] * rate.per_unit * hours, _join(note, when), condition
                        )
                    )
            if n["unknown_azs"]:
                note = "price unknown: SubnetIds is not a literal list, so the AZ count is unknown"
                out.append(
                    CostLine(
                        f"interface VPC endpoints ({region})",
                        n["unknown_azs"],
                        None,
                        _join(note, when),
                        condition,
                    )
                )
            return out
        if kind == "nat":
            what = f"NAT gateways ({region})"
            rate = prices.regional(region, "nat_gateway_hour")
            if rate is None:
                return unknown(what, n["count"], "nat_gateway_hour")
            note = f"{_usd(rate.per_unit)}/h ({rate.source}); + {_usd(rate.per_unit)}/GB processed"
            return [
                CostLine(what, n["count"], n["count"] * rate.per_unit * hours, _join(note, when), condition)
            ]
        if kind == "ipv4":
            per_hour = prices.global_rate("public_ipv4_hour")
            note = f"{_usd(per_hour)}/h each, attached or not"
            return [
                CostLine(
                    "public IPv4 addresses (EIPs)",
                    n["count"],
                    n["count"] * per_hour * hours,
                    _join(note, when),
                    condition,
                )
            ]
        if kind == "kms":
            per_key = prices.global_rate("kms_key_month")
            note = f"{_usd(per_key)}/key-month + requests"
            if n["rotating"]:
                extra = _usd(prices.global_rate("kms_rotation_month"))
                note += (
                    f"; {n['rotating']} rotate yearly: +{extra}/key-month after year 1 and again after year 2"
                )
            return [
                CostLine(
                    "KMS customer-managed keys",
                    n["count"],
                    n["count"] * per_key,
                    _join(note, when),
                    condition,
                )
            ]
        if kind == "tracking_alarm":
            what = f"CloudWatch alarms by target tracking ({region})"
            rate = prices.regional(region, "cloudwatch_alarm_metric_month")
            if rate is None:
                return unknown(what, n["alarms"], "cloudwatch_alarm_metric_month")
            note = f"made by Application Auto Scaling; {_usd(rate.per_unit)}/alarm-month ({rate.source})"
            return [CostLine(what, n["alarms"], n["alarms"] * rate.per_unit, _join(note, when), condition)]
        if kind == "alarm":
            what = f"CloudWatch alarms ({region})"
            monthly, parts, source = 0.0, [], ""
            for count, key, label in (
                (n["standard"], "cloudwatch_alarm_metric_month", "alarm metrics"),
                (n["high_res"], "cloudwatch_alarm_metric_high_res_month", "high-resolution alarm metrics"),
                (n["composite"], "cloudwatch_composite_alarm_month", "composite alarms"),
            ):
                if not count:
                    continue
                rate = prices.regional(region, key)
                if rate is None:
                    return unknown(what, n["alarms"], key)
                monthly += count * rate.per_unit
                parts.append(f"{count} {label if count > 1 else label[:-1]} × {_usd(rate.per_unit)}")
                source = rate.source
            note = " + ".join(parts) + f" ({source}); the 10 free a month are not deducted"
            return [CostLine(what, n["alarms"], monthly, _join(note, when), condition)]
        if kind == "pipeline_V2":
            note = "V2: $0 idle; $0.002 per action-minute when it runs (100 min/month free)"
            return [CostLine("CodePipeline pipelines", n["count"], 0.0, note)]
        if kind == "pipeline_V1":
            note = "V1: $0 idle; $1 per pipeline in a month a change runs through it"
            return [CostLine("CodePipeline pipelines (V1)", n["count"], 0.0, note)]
        raise AssertionError(kind)


_KIND_ORDER = (
    "interface_endpoint",
    "nat",
    "ipv4",
    "kms",
    "alarm",
    "tracking_alarm",
    "pipeline_V2",
    "pipeline_V1",
)


def _order(key: tuple[str, str | None, str | None]) -> tuple:
    kind, region, condition = key
    return (_KIND_ORDER.index(kind), region or "", condition or "")


def _types(counter: Counter) -> str:
    return ", ".join(f"{n} {kind.removeprefix('AWS::')}" for kind, n in sorted(counter.items()))


def _services(counter: Counter) -> str:
    services: Counter = Counter()
    for kind, n in counter.items():
        parts = kind.split("::")
        service = parts[1] if len(parts) == 3 else kind
        services[parts[2] if service == "EC2" else service] += n  # "FlowLog" says more than "EC2"
    return ", ".join(f"{service} {n}" for service, n in sorted(services.items()))


def _usd(amount: float) -> str:
    """$0.10, $0.128, $0.011, $1.00: at least two decimals, no invented precision."""
    text = f"{amount:.4g}"
    if "e" in text:
        return f"${amount:f}"
    whole, _, decimals = text.partition(".")
    return f"${whole}.{decimals.ljust(2, '0')}"


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


# ---------------------------------------------------------------------------------------------------
# Template helpers


def _literal(value: Any, template: dict) -> Any:
    """A plain value, or a Ref to a parameter's default; None for anything resolved at deploy time."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = (template.get("Parameters") or {}).get(value["Ref"])
        if isinstance(parameter, dict) and "Default" in parameter:
            return parameter["Default"]
    return None


def _provisioned(props: dict) -> bool:
    """A DynamoDB table billed for provisioned capacity (which bills while idle), not on demand."""
    capacity = {"ProvisionedThroughput", "WriteProvisionedThroughputSettings"} & set(props)
    return props.get("BillingMode", "PROVISIONED" if capacity else "PAY_PER_REQUEST") == "PROVISIONED"


def _number(value: Any, template: dict) -> float | None:
    value = _literal(value, template)
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _referenced(value: Any, resources: dict) -> str | None:
    """The logical id a Ref or Fn::GetAtt points at, if it is a resource of this template."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if "Ref" in value:
        target = value["Ref"]
    elif "Fn::GetAtt" in value:
        attribute = value["Fn::GetAtt"]
        target = (
            attribute[0] if isinstance(attribute, list) and attribute else str(attribute).split(".", 1)[0]
        )
    else:
        return None
    return target if isinstance(target, str) and target in resources else None


def _alarm_metrics(props: dict) -> tuple[int, int]:
    """(standard, high-resolution) alarm metrics: CloudWatch bills an alarm per metric it reads.

    A metric-math alarm reads each of its MetricStat queries (expressions are free); an anomaly
    detection band adds its two bounds. Periods under 60 s are high resolution.
    """
    queries = props.get("Metrics")
    if isinstance(queries, list) and queries:
        stats = [q for q in queries if isinstance(q, dict) and "MetricStat" in q]
        bands = sum(
            1
            for q in queries
            if isinstance(q, dict) and "ANOMALY_DETECTION_BAND" in str(q.get("Expression", "")).upper()
        )
        metrics = max(1, len(stats)) + 2 * bands
        periods = [q["MetricStat"].get("Period") for q in stats if isinstance(q["MetricStat"], dict)]
        high_res = any(isinstance(p, (int, float)) and p < 60 for p in periods)
    else:
        metrics = 1
        period = props.get("Period")
        high_res = isinstance(period, (int, float)) and period < 60
    return (0, metrics) if high_res else (metrics, 0)


def _endpoint_name(lid: str, resource: dict) -> str:
    name = (resource.get("Properties") or {}).get("EndpointName")
    return name if isinstance(name, str) else f"<{lid}>"


def _scalable_minimums(template: dict) -> dict[str, Any]:
    """`endpoint/<name>/variant/<variant>` -> MinCapacity of the scalable target that targets it."""
    resources = template.get("Resources", {}) or {}
    names = {
        lid: _endpoint_name(lid, r)
        for lid, r in resources.items()
        if r.get("Type") == "AWS::SageMaker::Endpoint"
    }
    minimums: dict[str, Any] = {}
    for resource in resources.values():
        if resource.get("Type") != "AWS::ApplicationAutoScaling::ScalableTarget":
            continue
        props = resource.get("Properties", {}) or {}
        if props.get("ServiceNamespace") != "sagemaker":
            continue
        resource_id = _render(props.get("ResourceId"), names)
        if resource_id is not None:
            minimums.setdefault(resource_id, props.get("MinCapacity"))
    return minimums


def _render(value: Any, names: dict[str, str]) -> str | None:
    """A string-valued intrinsic rendered with endpoint names put in; None if it cannot be."""

    def endpoint_name(arguments: Any, _: Any) -> str:
        logical_id, attribute = arguments if isinstance(arguments, list) else str(arguments).split(".", 1)
        if attribute != "EndpointName" or logical_id not in names:
            raise ValueError(arguments)
        return names[logical_id]

    def sub(text: Any, _: Any) -> str:
        for logical_id, endpoint in names.items():
            text = text.replace(f"${{{logical_id}.EndpointName}}", endpoint)
        if "${" in text:
            raise ValueError(text)
        return text

    def unrenderable(other: Any) -> str:
        raise ValueError(other)

    try:
        return renderer({"Fn::Join": join, "Fn::GetAtt": endpoint_name, "Fn::Sub": sub}, unrenderable)(value)
    except (ValueError, TypeError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------------
# Formatting


def format_costs(accounts: list[AccountCost]) -> str:
    """Per account, a short table and its total, after one line saying what these numbers are."""
    out = [
        (
            "Idle cost per account: estimates at on-demand list prices, idle (no requests, jobs or data), "
            "from tooling/prices.toml; usage is extra."
        )
    ]
    for account in accounts:
        out.append(f"\n{account.role} account {account.account}")
        if not account.lines:
            out.append("  nothing deployed")
            continue
        width = min(58, max(len(line.what) for line in account.lines) + 2)
        out.append(f"  {'what':<{width}}{'qty':>7}  {'USD/month':>10}  note")
        for line in account.lines:
            mark = "*" if line.condition else " "
            what = line.what if len(line.what) <= width - 2 else line.what[: width - 3] + "…"
            usd = "?" if line.monthly_usd is None else f"{line.monthly_usd:,.2f}"
            out.append(f" {mark}{what:<{width}}{_quantity(line.quantity):>7}  {usd:>10}  {line.note}")
        total = f"  total ≈ ${account.total_unconditional:,.2f}/month"
        if any(line.condition for line in account.lines):
            labels = sorted({condition_label(line.condition) for line in account.lines if line.condition})
            total += f" now; ≈ ${account.total:,.2f}/month with the * lines ({', '.join(labels)})"
        if account.unpriced:
            total += f"; at least: {len(account.unpriced)} line(s) not priced (?)"
        out.append(total)
        if account.fallback_regions:
            out.append(
                f"  FALLBACK prices (approximate) for {', '.join(account.fallback_regions)}: "
                "not in tooling/prices.toml"
            )
    return "\n".join(out)


def _quantity(quantity: float) -> str:
    return f"{quantity:g}" if float(quantity).is_integer() else f"{quantity:.1f}"
