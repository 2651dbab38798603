"""The price table, `tooling/prices.toml`: per-region on-demand list prices, region-independent
ones, the assumptions the estimate makes, and the flagged fallback for a region it has no table for."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).resolve().parent.parent / "prices.toml"


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

    def has_region(self, region: str) -> bool:
        """Whether `region` has its own table (otherwise its prices are the flagged fallback)."""
        return region in self.data["regions"]

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
