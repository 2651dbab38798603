"""CodePipeline: nothing idle; a V2 pipeline bills per action-minute, a V1 one per active month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from platform_config.prices import PriceTable
from tooling.costs.model import ANY_REGION, CostLine, Item, Summed
from tooling.costs.template import Resource


def pipeline(resource: Resource) -> Iterator[Item]:
    # CloudFormation's default is V1.
    version = "V2" if resource.properties.get("PipelineType") == "V2" else "V1"
    yield Summed(f"pipeline_{version}", ANY_REGION, None, {"count": 1})


def v2_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    note = "V2: $0 idle; $0.002 per action-minute when it runs (100 min/month free)"
    return [CostLine("CodePipeline pipelines", n["count"], 0.0, note)]


def v1_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    note = "V1: $0 idle; $1 per pipeline in a month a change runs through it"
    return [CostLine("CodePipeline pipelines (V1)", n["count"], 0.0, note)]
