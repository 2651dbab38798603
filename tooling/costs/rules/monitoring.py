"""Model Monitor: a monitoring schedule runs its job definition's processing instances for a few
minutes at every run, so it bills runs a month × minutes a run × the instances' hourly price."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tooling.costs.model import CostLine, Item, notes, usd
from tooling.costs.schedule import Schedule, parse_schedule
from tooling.costs.template import Resource, Template

# The job definitions a schedule runs (the platform's data-quality and model-quality monitors).
JOB_TYPES = frozenset(
    f"AWS::SageMaker::{kind}JobDefinition"
    for kind in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
)


def schedule(resource: Resource) -> Iterator[Item]:
    """One line: the schedule's runs a month, priced through the job definition it runs."""
    template = resource.template
    config = resource.properties.get("MonitoringScheduleConfig", {}) or {}
    name = template.literal(resource.properties.get("MonitoringScheduleName")) or resource.logical_id
    expression = template.literal((config.get("ScheduleConfig") or {}).get("ScheduleExpression"))
    runs = parse_schedule(expression, resource.prices.hours_per_month)
    cluster, max_runtime = _job(config, template)
    if not isinstance(cluster, dict):
        note = "price unknown: its job definition is not in this template"
        yield CostLine(
            f"Model Monitor {name}",
            round(runs.runs_per_month, 1),
            None,
            notes(note, resource.when),
            resource.condition,
        )
        return
    yield _runs(resource, f"Model Monitor {name}", runs, expression, cluster, max_runtime)


def _job(config: dict, template: Template) -> tuple[Any, Any]:
    """(ClusterConfig, MaxRuntimeInSeconds) of the job the schedule runs: defined inline, or the job
    definition it names (a Ref or GetAtt, its generated name taken from its ARN, or its literal name)."""
    inline = config.get("MonitoringJobDefinition")
    if isinstance(inline, dict):
        return (
            (inline.get("MonitoringResources") or {}).get("ClusterConfig"),
            (inline.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"),
        )
    job_id = template.referenced(config.get("MonitoringJobDefinitionName"), JOB_TYPES, "JobDefinitionName")
    if job_id is None:
        return None, None
    job = template.resources[job_id].get("Properties") or {}
    return (
        (job.get("JobResources") or {}).get("ClusterConfig"),
        (job.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"),
    )


def _runs(
    resource: Resource, what: str, runs: Schedule, expression: Any, cluster: dict, max_runtime: Any
) -> CostLine:
    template, region, prices = resource.template, resource.region, resource.prices
    quantity, when, condition = round(runs.runs_per_month, 1), resource.when, resource.condition
    instance_type = template.literal(cluster.get("InstanceType"))
    instance_count = template.number(cluster.get("InstanceCount")) or 1
    what = f"{what}: {instance_type or '?'}"
    rate = (
        prices.regional(region, instance_type, "sagemaker_processing")
        if isinstance(instance_type, str)
        else None
    )
    if rate is None:
        note = f"price unknown: no {instance_type} processing price for {region} in prices.toml"
        return CostLine(what, quantity, None, notes(note, when), condition)
    minutes, minutes_note = _run_minutes(prices.monitoring_run_minutes, template.number(max_runtime))
    monthly = runs.runs_per_month * minutes / 60 * instance_count * rate.per_unit
    runs_note = f"{runs.label} ({expression})" if expression else runs.label
    count_note = f" × {instance_count:g} instances" if instance_count != 1 else ""
    note = f"{runs_note} runs × {minutes_note}{count_note} at {usd(rate.per_unit)}/h ({rate.source})"
    return CostLine(what, quantity, monthly, notes(note, when), condition)


def _run_minutes(assumed: float, max_runtime_seconds: float | None) -> tuple[float, str]:
    """How long a run bills: the assumed length, or the job's shorter MaxRuntimeInSeconds."""
    if max_runtime_seconds is not None and max_runtime_seconds / 60 < assumed:
        minutes = max_runtime_seconds / 60
        return minutes, f"{minutes:g} min a run (the job's MaxRuntimeInSeconds)"
    return assumed, f"{assumed:g} min a run (assumed)"
