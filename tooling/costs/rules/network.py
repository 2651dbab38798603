"""The network's hourly charges: interface VPC endpoints (per AZ each spans), NAT gateways and the
public IPv4 addresses (EIPs) they use. Gateway endpoints (S3, DynamoDB) are free."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from tooling.costs.model import (
    ANY_REGION,
    CostLine,
    Item,
    Summed,
    Tally,
    condition_label,
    missing_price,
    notes,
    usd,
)
from tooling.costs.prices import PriceTable
from tooling.costs.template import Resource


def vpc_endpoint(resource: Resource) -> Iterator[Item]:
    endpoint_type = resource.properties.get("VpcEndpointType", "Gateway")  # CloudFormation's default
    if endpoint_type == "Interface":
        subnets = resource.properties.get("SubnetIds")
        if isinstance(subnets, list) and subnets:
            numbers = {"endpoints": 1, "azs": len(subnets)}
        else:
            numbers = {"endpoints": 1, "unknown_azs": 1}
        yield Summed("interface_endpoint", resource.region, resource.condition, numbers)
    elif endpoint_type == "Gateway":
        yield Tally("no_charge", resource.type)
    else:
        yield Tally("unknown", f"{resource.type} ({endpoint_type})")


def interface_endpoint_lines(
    region: str, condition: str | None, n: Counter, prices: PriceTable
) -> list[CostLine]:
    when = condition_label(condition)
    what = f"interface VPC endpoint-AZs ({region})"
    out = []
    if n["azs"]:
        rate = prices.regional(region, "interface_endpoint_az_hour")
        if rate is None:
            out.append(missing_price(what, n["azs"], "interface_endpoint_az_hour", region, condition))
        else:
            note = (
                f"{n['endpoints'] - n['unknown_azs']} endpoints × the AZs each spans, "
                f"{usd(rate.per_unit)}/h each ({rate.source}); + $0.01/GB"
            )
            monthly = n["azs"] * rate.per_unit * prices.hours_per_month
            out.append(CostLine(what, n["azs"], monthly, notes(note, when), condition))
    if n["unknown_azs"]:
        note = "price unknown: SubnetIds is not a literal list, so the AZ count is unknown"
        out.append(
            CostLine(
                f"interface VPC endpoints ({region})", n["unknown_azs"], None, notes(note, when), condition
            )
        )
    return out


def nat_gateway(resource: Resource) -> Iterator[Item]:
    yield Summed("nat", resource.region, resource.condition, {"count": 1})


def nat_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    what = f"NAT gateways ({region})"
    rate = prices.regional(region, "nat_gateway_hour")
    if rate is None:
        return [missing_price(what, n["count"], "nat_gateway_hour", region, condition)]
    note = f"{usd(rate.per_unit)}/h ({rate.source}); + {usd(rate.per_unit)}/GB processed"
    monthly = n["count"] * rate.per_unit * prices.hours_per_month
    return [CostLine(what, n["count"], monthly, notes(note, condition_label(condition)), condition)]


def elastic_ip(resource: Resource) -> Iterator[Item]:
    yield Summed("ipv4", ANY_REGION, resource.condition, {"count": 1})


def ipv4_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    per_hour = prices.global_rate("public_ipv4_hour")
    note = f"{usd(per_hour)}/h each, attached or not"
    monthly = n["count"] * per_hour * prices.hours_per_month
    return [
        CostLine(
            "public IPv4 addresses (EIPs)",
            n["count"],
            monthly,
            notes(note, condition_label(condition)),
            condition,
        )
    ]
