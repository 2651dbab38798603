from __future__ import annotations

from typing import Any

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.monitoring import monitored_endpoints
from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import refers_to, resolved, stack_resources

MODEL_MONITOR_NAMESPACES = ("aws/sagemaker/Endpoints/data-metrics", "aws/sagemaker/ModelMonitoring")


def _metrics(alarm: cloudwatch.CfnAlarm) -> list[tuple[Any, list]]:
    """(namespace, dimensions) of the alarm's metric and of each metric in its metric math."""
    metrics = [(resolved(alarm, "namespace"), resolved(alarm, "dimensions") or [])]
    for query in resolved(alarm, "metrics") or []:
        metric = (query.get("metricStat") or {}).get("metric") or {}
        metrics.append((metric.get("namespace"), metric.get("dimensions") or []))
    return metrics


def _same_endpoint(value: Any, endpoints: list, node: sagemaker.CfnMonitoringSchedule) -> bool:
    """Whether `value` names one of `endpoints`: the same value, or both point at one endpoint resource."""
    if value in endpoints:
        return True
    for endpoint in stack_resources(node, sagemaker.CfnEndpoint):
        name = resolved(endpoint, "endpoint_name")
        if refers_to(value, endpoint, name) and any(refers_to(each, endpoint, name) for each in endpoints):
            return True
    return False


def _watches(namespace: Any, dimension: dict, node: sagemaker.CfnMonitoringSchedule, endpoints: list) -> bool:
    if dimension.get("name") == "MonitoringSchedule":
        return refers_to(dimension.get("value"), node, resolved(node, "monitoring_schedule_name"))
    if dimension.get("name") == "Endpoint" and namespace in MODEL_MONITOR_NAMESPACES:
        return _same_endpoint(dimension.get("value"), endpoints, node)
    return False


def monitoring_schedule_alarmed(node: sagemaker.CfnMonitoringSchedule) -> NagRuleCompliance:
    """A monitor nobody hears is no monitor: Model Monitor only writes reports and metrics. Some alarm of
    the same stack must watch the schedule (a `MonitoringSchedule` dimension) or its endpoint's Model
    Monitor metrics (an `Endpoint` dimension in a Model Monitor namespace)."""
    endpoints = monitored_endpoints(node)
    for alarm in stack_resources(node, cloudwatch.CfnAlarm):
        for namespace, dimensions in _metrics(alarm):
            if any(_watches(namespace, dimension, node, endpoints) for dimension in dimensions):
                return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="MonitoringScheduleAlarmed",
    applies_to=sagemaker.CfnMonitoringSchedule,
    check=monitoring_schedule_alarmed,
    info="The Model Monitor schedule has no CloudWatch alarm on its findings.",
    explanation="Add a CloudWatch alarm in the same stack on the schedule's metrics (dimension "
    "MonitoringSchedule) or on its endpoint's Model Monitor metrics (namespace "
    "aws/sagemaker/Endpoints/data-metrics, dimension Endpoint), with an action that reaches a person.",
)
