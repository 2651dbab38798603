"""The cost report: per account, a short table of what bills while idle and its totals."""

from __future__ import annotations

from platform_config.prices import PriceTable
from tooling.costs.model import AccountCost, CostLine, condition_label

_HEADER = (
    "Idle cost per account: estimates at on-demand list prices, idle (no requests, jobs or data), "
    "from platform_config/prices.toml; usage is extra."
)


def format_costs(accounts: list[AccountCost], prices: PriceTable | None = None) -> str:
    """Per account, a short table and its total, after one line saying what these numbers are; the
    fallback prices are explained once, at the end."""
    out = [_HEADER]
    for account in accounts:
        out.append(f"\n{account.role} account {account.account}")
        if not account.lines:
            out.append("  nothing deployed")
            continue
        width = min(58, max(len(line.what) for line in account.lines) + 2)
        out.append(f"  {'what':<{width}}{'qty':>7}  {'USD/month':>10}  note")
        out.extend(_row(line, width) for line in account.lines)
        out.append(_total(account))
        out.extend(f"  {note}" for note in account.notes)
    fallback = {region for account in accounts for region in account.fallback_regions}
    if fallback:
        out.append("\n" + (prices or PriceTable.load()).fallback_note(fallback))
    return "\n".join(out)


def _row(line: CostLine, width: int) -> str:
    mark = "*" if line.condition else " "
    what = line.what if len(line.what) <= width - 2 else line.what[: width - 3] + "…"
    usd = "?" if line.monthly_usd is None else f"{line.monthly_usd:,.2f}"
    return f" {mark}{what:<{width}}{_quantity(line.quantity):>7}  {usd:>10}  {line.note}"


def _total(account: AccountCost) -> str:
    total = f"  total ≈ ${account.total_unconditional:,.2f}/month"
    if any(line.condition for line in account.lines):
        labels = sorted({condition_label(line.condition) for line in account.lines if line.condition})
        total += f" now; ≈ ${account.total:,.2f}/month with the * lines ({', '.join(labels)})"
    if account.unpriced:
        total += f"; at least: {len(account.unpriced)} line(s) not priced (?)"
    return total


def _quantity(quantity: float) -> str:
    return f"{quantity:g}" if float(quantity).is_integer() else f"{quantity:.1f}"
