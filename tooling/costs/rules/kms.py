"""KMS customer-managed keys: a dollar a key-month wherever they are, plus requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from platform_config.prices import PriceTable
from tooling.costs.model import ANY_REGION, CostLine, Item, Summed, condition_label, notes, usd
from tooling.costs.template import Resource


def key(resource: Resource) -> Iterator[Item]:
    rotation = resource.template.literal(resource.properties.get("EnableKeyRotation"))
    rotating = 1 if rotation in (True, "true") else 0
    yield Summed("kms", ANY_REGION, resource.condition, {"count": 1, "rotating": rotating})


def key_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    per_key = prices.global_rate("kms_key_month")
    note = f"{usd(per_key)}/key-month + requests"
    if n["rotating"]:
        extra = usd(prices.global_rate("kms_rotation_month"))
        note += f"; {n['rotating']} rotate yearly: +{extra}/key-month after year 1 and again after year 2"
    return [
        CostLine(
            "KMS customer-managed keys",
            n["count"],
            n["count"] * per_key,
            notes(note, condition_label(condition)),
            condition,
        )
    ]
