"""Cost at a glance: what each account costs per month while IDLE, read from the synthesized templates.

Idle means deployed but unused: no requests, no pipeline or job runs, no data stored or moved. What
still bills then is what runs by the hour (endpoint instances, interface endpoints, NAT gateways), what
bills by the month (KMS keys, CloudWatch alarms, public IPv4 addresses) and what runs on a schedule
(Model Monitor). Everything else is listed as usage-based or as having no charge of its own. Prices come
from `platform_config/prices.toml` (on-demand list prices; see its header for sources, date and fallbacks).

    from tooling.costs import estimate, format_costs
    print(format_costs(estimate(read_assembly("cdk.out"))))

`prices` reads the price table, `rules/` holds a module per kind of resource that bills while idle
(and the lists of those that do not), `estimate` adds them up per account, `report` prints them.
"""

from platform_config.prices import PRICES_FILE, PriceTable, Rate
from tooling.costs.estimate import estimate
from tooling.costs.model import MODEL_CONDITION, AccountCost, CostLine, condition_label
from tooling.costs.report import format_costs
from tooling.costs.schedule import Schedule, parse_schedule

__all__ = [
    "MODEL_CONDITION",
    "PRICES_FILE",
    "AccountCost",
    "CostLine",
    "PriceTable",
    "Rate",
    "Schedule",
    "condition_label",
    "estimate",
    "format_costs",
    "parse_schedule",
]
