"""CloudWatch alarms, billed a month per metric each reads, and the alarms Application Auto Scaling
makes for a target-tracking policy (a high and a low one, or only the high one without scale-in)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from platform_config.prices import PriceTable
from tooling.costs.model import CostLine, Item, Summed, Tally, condition_label, missing_price, notes, usd
from tooling.costs.template import Resource


def alarm(resource: Resource) -> Iterator[Item]:
    standard, high_res = alarm_metrics(resource.properties)
    numbers = {"alarms": 1, "standard": standard, "high_res": high_res}
    yield Summed("alarm", resource.region, resource.condition, numbers)


def composite_alarm(resource: Resource) -> Iterator[Item]:
    # Not made by the platform; kept because the estimate's tests price one.
    yield Summed("alarm", resource.region, resource.condition, {"alarms": 1, "composite": 1})


def alarm_metrics(props: dict) -> tuple[int, int]:
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


_ALARM_PRICES = (  # (count in the sums, price key, what the note calls them)
    ("standard", "cloudwatch_alarm_metric_month", "alarm metrics"),
    ("high_res", "cloudwatch_alarm_metric_high_res_month", "high-resolution alarm metrics"),
    ("composite", "cloudwatch_composite_alarm_month", "composite alarms"),
)


def alarm_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    what = f"CloudWatch alarms ({region})"
    monthly, parts, source = 0.0, [], ""
    for counted, key, label in _ALARM_PRICES:
        count = n[counted]
        if not count:
            continue
        rate = prices.regional(region, key)
        if rate is None:
            return [missing_price(what, n["alarms"], key, region, condition)]
        monthly += count * rate.per_unit
        parts.append(f"{count} {label if count > 1 else label[:-1]} × {usd(rate.per_unit)}")
        source = rate.source
    note = " + ".join(parts) + f" ({source}); the 10 free a month are not deducted"
    return [CostLine(what, n["alarms"], monthly, notes(note, condition_label(condition)), condition)]


def scaling_policy(resource: Resource) -> Iterator[Item]:
    """No charge of its own; a target-tracking policy's alarms bill as alarms."""
    yield Tally("no_charge", resource.type)
    if resource.properties.get("PolicyType") == "TargetTrackingScaling":
        config = resource.properties.get("TargetTrackingScalingPolicyConfiguration") or {}
        made = 1 if resource.template.literal(config.get("DisableScaleIn")) in (True, "true") else 2
        yield Summed("tracking_alarm", resource.region, resource.condition, {"alarms": made})


def tracking_alarm_lines(
    region: str, condition: str | None, n: Counter, prices: PriceTable
) -> list[CostLine]:
    what = f"CloudWatch alarms by target tracking ({region})"
    rate = prices.regional(region, "cloudwatch_alarm_metric_month")
    if rate is None:
        return [missing_price(what, n["alarms"], "cloudwatch_alarm_metric_month", region, condition)]
    note = f"made by Application Auto Scaling; {usd(rate.per_unit)}/alarm-month ({rate.source})"
    return [
        CostLine(
            what, n["alarms"], n["alarms"] * rate.per_unit, notes(note, condition_label(condition)), condition
        )
    ]
