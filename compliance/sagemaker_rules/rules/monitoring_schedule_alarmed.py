from __future__ import annotations

from typing import Any

from compliance.sagemaker_rules.monitoring import ENDPOINT, SCHEDULE, monitored_endpoints
from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource, refers_to

MODEL_MONITOR_NAMESPACES = ("aws/sagemaker/Endpoints/data-metrics", "aws/sagemaker/ModelMonitoring")


def _metrics(alarm: Resource) -> list[tuple[Any, list]]:
    """(namespace, dimensions) of the alarm's metric and of each metric in its metric math."""
    metrics = [(alarm.get("Namespace"), alarm.get("Dimensions") or [])]
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        metrics.append((metric.get("Namespace"), metric.get("Dimensions") or []))
    return metrics


def _same_endpoint(value: Any, endpoints: list, node: Resource) -> bool:
    """Whether `value` names one of `endpoints`: the same value, or both point at one endpoint resource."""
    if value in endpoints:
        return True
    for endpoint in node.stack.of_type(ENDPOINT):
        name = endpoint.get("EndpointName")
        if refers_to(value, endpoint, name) and any(refers_to(each, endpoint, name) for each in endpoints):
            return True
    return False


def _watches(namespace: Any, dimension: dict, node: Resource, endpoints: list) -> bool:
    if dimension.get("Name") == "MonitoringSchedule":
        return refers_to(dimension.get("Value"), node, node.get("MonitoringScheduleName"))
    if dimension.get("Name") == "Endpoint" and namespace in MODEL_MONITOR_NAMESPACES:
        return _same_endpoint(dimension.get("Value"), endpoints, node)
    return False


def monitoring_schedule_alarmed(node: Resource) -> Compliance:
    """A monitor nobody hears is no monitor: Model Monitor only writes reports and metrics. Some alarm of
    the same stack must watch the schedule (a `MonitoringSchedule` dimension) or its endpoint's Model
    Monitor metrics (an `Endpoint` dimension in a Model Monitor namespace)."""
    endpoints = monitored_endpoints(node)
    for alarm in node.stack.of_type("AWS::CloudWatch::Alarm"):
        for namespace, dimensions in _metrics(alarm):
            if any(_watches(namespace, dimension, node, endpoints) for dimension in dimensions):
                return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="MonitoringScheduleAlarmed",
    applies_to=SCHEDULE,
    check=monitoring_schedule_alarmed,
    info="The Model Monitor schedule has no CloudWatch alarm on its findings.",
    explanation="Add a CloudWatch alarm in the same stack on the schedule's metrics (dimension "
    "MonitoringSchedule) or on its endpoint's Model Monitor metrics (namespace "
    "aws/sagemaker/Endpoints/data-metrics, dimension Endpoint), with an action that reaches a person.",
)
