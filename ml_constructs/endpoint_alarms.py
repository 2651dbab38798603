"""The operational alarms of a SageMaker endpoint, all to the alert topic; the 5XX-rate and latency
alarms also roll a blue/green update back (`ServingEndpoint`). An instance-backed endpoint also gets
an idle alarm: a forgotten endpoint keeps billing by the hour, and its alarm says how much."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

VARIANT = "AllTraffic"
ROLLBACK_ALARMS = ("5xx", "latency")
CLIENT_ERROR_PERCENT = 10.0  # callers send what the model does not accept
INSTANCE_UTILIZATION_PERCENT = 80.0


@dataclass(frozen=True)
class IdleAlarm:
    """No request served for `days` days (CloudWatch evaluates at most 7 days of daily periods)."""

    days: int
    monthly_usd: float | None  # what the endpoint bills a month while it idles; None: not priced
    priced_as: str  # how, or why not
    remedy: str  # how to stop the bill


@dataclass(frozen=True)
class AlarmThresholds:
    latency_ms: int  # p99 model latency
    error_rate_percent: float  # 5XX errors per invocation
    idle: IdleAlarm | None = None  # for instance-backed endpoints


def _metric(endpoint: str, name: str, statistic: str, namespace: str = "AWS/SageMaker", minutes: int = 1):
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=name,
        dimensions_map={"EndpointName": endpoint, "VariantName": VARIANT},
        statistic=statistic,
        period=Duration.minutes(minutes),
    )


def _error_rate(endpoint: str, code: str, *, minutes: int) -> cloudwatch.MathExpression:
    return cloudwatch.MathExpression(
        # Documented metric math: IF(condition, true value, false value); no traffic, no errors.
        expression="IF(invocations > 0, 100 * errors / invocations, 0)",
        using_metrics={
            "errors": _metric(endpoint, f"Invocation{code}Errors", "Sum", minutes=minutes),
            "invocations": _metric(endpoint, "Invocations", "Sum", minutes=minutes),
        },
        period=Duration.minutes(minutes),
        label=f"{code} error rate (%)",
    )


def endpoint_alarms(
    scope: Construct, *, endpoint: str, thresholds: AlarmThresholds, alerts: sns.ITopic, has_instances: bool
) -> dict[str, cloudwatch.Alarm]:
    """The alarms by kind, created in `scope`; CPU and memory only for instance-backed endpoints."""
    specs = {
        "5xx": (
            _error_rate(endpoint, "5XX", minutes=1),
            thresholds.error_rate_percent,
            "server errors above the allowed rate",
        ),
        "latency": (
            _metric(endpoint, "ModelLatency", "p99"),
            thresholds.latency_ms * 1000,  # ModelLatency is in microseconds
            f"p99 model latency above {thresholds.latency_ms} ms",
        ),
        "4xx": (
            _error_rate(endpoint, "4XX", minutes=5),
            CLIENT_ERROR_PERCENT,
            f"client errors above {CLIENT_ERROR_PERCENT:g}% of requests: callers send what the model does not accept",
        ),
    }
    if has_instances:
        for kind, metric in (("cpu", "CPUUtilization"), ("memory", "MemoryUtilization")):
            specs[kind] = (
                _metric(endpoint, metric, "Average", "/aws/sagemaker/Endpoints", 5),
                INSTANCE_UTILIZATION_PERCENT,
                f"{'CPU' if kind == 'cpu' else 'memory'} above {INSTANCE_UTILIZATION_PERCENT:g}%",
            )
    alarms = {}
    for kind, (metric, threshold, what) in specs.items():
        alarm = cloudwatch.Alarm(
            scope,
            f"{kind.title()}Alarm",
            alarm_name=f"{endpoint}-{kind}",
            alarm_description=f"{endpoint}: {what}",
            metric=metric,
            threshold=threshold,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
        alarms[kind] = alarm
    if has_instances and thresholds.idle:
        alarms["idle"] = _idle_alarm(scope, endpoint, thresholds.idle, alerts)
    return alarms


def _idle_alarm(scope: Construct, endpoint: str, idle: IdleAlarm, alerts: sns.ITopic) -> cloudwatch.Alarm:
    bill = "an unknown amount" if idle.monthly_usd is None else f"about ${idle.monthly_usd:,.2f} a month"
    alarm = cloudwatch.Alarm(
        scope,
        "IdleAlarm",
        alarm_name=f"{endpoint}-idle",
        alarm_description=f"{endpoint}: no request served for {idle.days} day(s), while it bills {bill} "
        f"({idle.priced_as}); {idle.remedy}",
        metric=_metric(endpoint, "Invocations", "Sum", minutes=24 * 60),
        threshold=1,
        evaluation_periods=idle.days,
        datapoints_to_alarm=idle.days,
        comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        # SageMaker publishes Invocations only for minutes with requests: no data is no traffic.
        treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
    )
    alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
    return alarm
