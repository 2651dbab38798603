"""What the estimate is made of: the lines a rule gives, what an account's lines add up to, and the
two small text helpers every line's note uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The CloudFormation condition that serving resources carry: they exist only once a package is promoted.
MODEL_CONDITION = "HasModel"

# The region of a summed line whose price is the same everywhere (KMS keys, public IPv4 addresses).
ANY_REGION = ""


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
    notes: tuple[str, ...] = ()  # lines said after the total, e.g. what the other way out would cost

    @property
    def total(self) -> float:
        """Every priced line, conditional ones included: the idle cost once everything exists."""
        return round(sum(line.monthly_usd for line in self.lines if line.monthly_usd is not None), 2)

    @property
    def total_unconditional(self) -> float:
        """Only what exists unconditionally: the idle cost before any model is promoted."""
        return round(
            sum(
                line.monthly_usd for line in self.lines if line.monthly_usd is not None and not line.condition
            ),
            2,
        )

    @property
    def unpriced(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if not line.priced)


@dataclass(frozen=True)
class Summed:
    """Numbers that add up, per account, into one line for each (kind, region, condition)."""

    kind: str  # a key of `rules.SUMMED`, e.g. "nat"
    region: str  # ANY_REGION where the price is the same everywhere
    condition: str | None
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Tally:
    """One resource counted, by type, into the account's usage-based, no-charge or not-assessed line."""

    category: Literal["usage", "no_charge", "unknown"]
    type: str


# What a rule gives for one resource.
Item = CostLine | Summed | Tally


def condition_label(condition: str | None) -> str:
    if not condition:
        return ""
    if condition == MODEL_CONDITION:
        return "once a model is promoted"
    return f"only if condition {condition} holds"


def usd(amount: float) -> str:
    """$0.10, $0.128, $0.011, $1.00: at least two decimals, no invented precision."""
    text = f"{amount:.4g}"
    if "e" in text:
        return f"${amount:f}"
    whole, _, decimals = text.partition(".")
    return f"${whole}.{decimals.ljust(2, '0')}"


def notes(*parts: str) -> str:
    """The non-empty parts of a note, joined with "; "."""
    return "; ".join(part for part in parts if part)


def missing_price(what: str, quantity: float, key: str, region: str, condition: str | None) -> CostLine:
    """The line for resources whose price `key` the table lacks for `region`."""
    note = f"price unknown: no {key} for {region} in prices.toml"
    return CostLine(what, quantity, None, notes(note, condition_label(condition)), condition)
