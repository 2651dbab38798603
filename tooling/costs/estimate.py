"""The estimate: every resource of every stack through its kind's rule, added up per account."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cfn.assembly import SynthesizedStack
from platform_config.prices import PriceTable
from tooling.costs.model import AccountCost, CostLine, Item, Summed
from tooling.costs.rules import SUMMED, rule_for
from tooling.costs.rules.network import egress_notes
from tooling.costs.template import Resource, Template


def estimate(stacks: Iterable[SynthesizedStack], prices: PriceTable | None = None) -> list[AccountCost]:
    """Per account role (in the stacks' order), the monthly cost of what runs while idle."""
    prices = prices or PriceTable.load()
    accounts: dict[str, _Account] = {}
    for stack in stacks:
        account = accounts.setdefault(stack.stage, _Account(stack.stage, stack.account))
        if stack.region in prices.fallback_regions and not prices.has_region(stack.region):
            account.fallback_regions.add(stack.region)
        template = Template(stack.template, stack.region, prices)
        for logical_id, resource in template.resources.items():
            read = Resource.read(logical_id, resource, template)
            account.add(rule_for(read.type)(read))
    return [account.result(prices) for account in accounts.values()]


@dataclass
class _Account:
    role: str
    account: str
    lines: list[CostLine] = field(default_factory=list)
    # (kind, region, condition) -> summed numbers, rendered into lines at the end
    sums: defaultdict[tuple[str, str, str | None], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    # "usage", "no_charge", "unknown" -> resources counted by type
    tallies: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    fallback_regions: set[str] = field(default_factory=set)

    def add(self, items: Iterable[Item]) -> None:
        for item in items:
            if isinstance(item, CostLine):
                self.lines.append(item)
            elif isinstance(item, Summed):
                self.sums[(item.kind, item.region, item.condition)].update(item.numbers)
            else:
                self.tallies[item.category][item.type] += 1

    def result(self, prices: PriceTable) -> AccountCost:
        lines = list(self.lines)
        order = list(SUMMED)
        for (kind, region, condition), n in sorted(
            self.sums.items(), key=lambda item: (order.index(item[0][0]), item[0][1], item[0][2] or "")
        ):
            lines.extend(SUMMED[kind](region, condition, n, prices))
        lines.extend(self._tally_lines())
        rounded = tuple(
            dataclasses.replace(
                line, monthly_usd=None if line.monthly_usd is None else round(line.monthly_usd, 2)
            )
            for line in lines
        )
        return AccountCost(
            self.role, self.account, rounded, tuple(sorted(self.fallback_regions)), self._notes(prices)
        )

    def _notes(self, prices: PriceTable) -> tuple[str, ...]:
        by_region: defaultdict[str, dict[str, Counter]] = defaultdict(dict)
        for (kind, region, condition), n in self.sums.items():
            if condition is None:
                by_region[region][kind] = n
        return tuple(
            note
            for region, sums in sorted(by_region.items())
            for note in egress_notes(self.role, sums, region, prices)
        )

    def _tally_lines(self) -> list[CostLine]:
        out = []
        if usage := self.tallies["usage"]:
            note = "per request, GB or run: " + _services(usage)
            out.append(CostLine("usage-based, ~$0 idle", sum(usage.values()), 0.0, note))
        if unknown := self.tallies["unknown"]:
            note = "price unknown: tooling/costs/rules does not know " + _types(unknown)
            out.append(CostLine("not assessed", sum(unknown.values()), None, note))
        if no_charge := self.tallies["no_charge"]:
            note = "IAM, VPC wiring, policies, ..."
            out.append(CostLine("no charge of their own", sum(no_charge.values()), 0.0, note))
        return out


def _types(counter: Counter) -> str:
    return ", ".join(f"{n} {kind.removeprefix('AWS::')}" for kind, n in sorted(counter.items()))


def _services(counter: Counter) -> str:
    services: Counter = Counter()
    for kind, n in counter.items():
        parts = kind.split("::")
        service = parts[1] if len(parts) == 3 else kind
        services[parts[2] if service == "EC2" else service] += n  # "FlowLog" says more than "EC2"
    return ", ".join(f"{service} {n}" for service, n in sorted(services.items()))
