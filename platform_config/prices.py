"""The price table, `platform_config/prices.toml`: per-region on-demand list prices, region-independent
ones, the assumptions the estimate makes, and the flagged fallback for the regions it lists without a
table of their own."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).resolve().with_name("prices.toml")


@dataclass(frozen=True)
class Rate:
    per_unit: float
    source: str  # "eu-west-1", or the flagged fallback
    fallback: bool = False


class PriceTable:
    """`platform_config/prices.toml`, with the fallback for regions it has no table for."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.hours_per_month = float(data["hours_per_month"])
        self.monitoring_run_minutes = float(data["assumptions"]["monitoring_run_minutes"])
        self.base_region = data["fallback"]["base_region"]
        self.multiplier = float(data["fallback"]["multiplier"])
        self.fallback_regions = frozenset(data["fallback"].get("regions", ()))

    @classmethod
    def load(cls, path: str | Path = PRICES_FILE) -> PriceTable:
        return cls(tomllib.loads(Path(path).read_text(encoding="utf-8")))

    def has_region(self, region: str) -> bool:
        """Whether `region` has its own table (otherwise its prices are the flagged fallback, if any)."""
        return region in self.data["regions"]

    def unpriced(self, regions: Iterable[str]) -> list[str]:
        """The regions that have neither a table nor a place on the fallback list."""
        return sorted(r for r in regions if not self.has_region(r) and r not in self.fallback_regions)

    def fallback_note(self, regions: Iterable[str]) -> str:
        """The one line that says which regions' estimates are the fallback (marked † on their lines)."""
        listed = ", ".join(sorted(regions))
        return (
            f"† no list price for {listed} in platform_config/prices.toml; the estimate uses "
            f"{self.base_region} × {self.multiplier:g} there (a rough guess: add the region's table for real prices)"
        )

    def global_rate(self, key: str) -> float:
        return float(self.data["global"][key])

    def hosting_month(self, region: str, instance_type: str, count: int) -> tuple[float | None, str]:
        """What `count` instances of `instance_type` bill a month on an endpoint in `region`, and how
        that was priced (or why it was not)."""
        rate = self.regional(region, instance_type, "sagemaker_hosting")
        if rate is None:
            return None, f"no {instance_type} hosting price for {region} in platform_config/prices.toml"
        monthly = count * rate.per_unit * self.hours_per_month
        return (
            monthly,
            f"{count} × {instance_type} at ${rate.per_unit:g}/instance-hour, {rate.source} list price",
        )

    def regional(self, region: str, key: str, table: str | None = None) -> Rate | None:
        """`key` of `region` (inside `table` if given); None when the table lacks it."""
        regions = self.data["regions"]
        fallback = region not in regions
        if fallback and region not in self.fallback_regions:
            return None
        values = regions[self.base_region if fallback else region]
        if table is not None:
            values = values.get(table, {})
        if key not in values:
            return None
        if fallback:
            return Rate(float(values[key]) * self.multiplier, f"{region}†", fallback=True)
        return Rate(float(values[key]), region)
