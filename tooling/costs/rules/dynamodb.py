"""DynamoDB tables: on demand, billed per request and GB (~$0 idle); provisioned capacity bills while
idle and is not in the price table."""

from __future__ import annotations

from collections.abc import Iterator

from tooling.costs.model import CostLine, Item, Tally, notes
from tooling.costs.template import Resource


def table(resource: Resource) -> Iterator[Item]:
    props = resource.properties
    if not provisioned(props):
        yield Tally("usage", resource.type)
        return
    note = notes("provisioned capacity bills while idle; not in prices.toml", resource.when)
    yield CostLine(
        f"DynamoDB table {props.get('TableName', resource.logical_id)}: provisioned",
        1,
        None,
        note,
        resource.condition,
    )


def provisioned(props: dict) -> bool:
    """A table billed for provisioned capacity (which bills while idle), not on demand."""
    capacity = {"ProvisionedThroughput", "WriteProvisionedThroughputSettings"} & set(props)
    return props.get("BillingMode", "PROVISIONED" if capacity else "PAY_PER_REQUEST") == "PROVISIONED"
