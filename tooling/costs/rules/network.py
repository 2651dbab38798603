"""The network's hourly charges: interface VPC endpoints (per AZ each spans), NAT gateways and the
public IPv4 addresses (EIPs) they use. Gateway endpoints (S3, DynamoDB) are free. Each account's way
out is a choice in config, so the report also says what the other choice would cost there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from platform_config.prices import PriceTable
from platform_config.reachability import interface_services, vpc_of
from platform_config.schema import DEFAULT_ENDPOINT_ZONES
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


def subnet(resource: Resource) -> Iterator[Item]:
    """No charge of its own; its zone says how many AZs an endpoint-only VPC would pay for."""
    yield Tally("no_charge", resource.type)
    zone = resource.properties.get("AvailabilityZone")
    if isinstance(zone, str):
        yield Summed("zones", resource.region, None, {zone: 1})


def no_lines(region: str, condition: str | None, n: Counter, prices: PriceTable) -> list[CostLine]:
    """Numbers other lines and notes read, with no line of their own."""
    return []


def egress_notes(role: str, sums: dict[str, Counter], region: str, prices: PriceTable) -> list[str]:
    """What the account's way out costs and what the other choice would (`sums`: kind -> numbers
    summed in `region`); nothing for an account without a VPC or without prices."""
    endpoint_rate = prices.regional(region, "interface_endpoint_az_hour")
    nat_rate = prices.regional(region, "nat_gateway_hour")
    zones = len(sums.get("zones", Counter()))
    if not zones or endpoint_rate is None or nat_rate is None:
        return []
    hours = prices.hours_per_month
    nat = (nat_rate.per_unit + prices.global_rate("public_ipv4_hour")) * hours
    endpoints, gateways = sums.get("interface_endpoint", Counter()), sums.get("nat", Counter())["count"]
    paid = endpoints["azs"] * endpoint_rate.per_unit * hours
    key = f"network.{role}.egress"
    if gateways and endpoints["endpoints"]:
        return [
            f"egress pays twice: {endpoints['endpoints']} interface endpoints (${paid:,.2f}/month) beside the "
            f"NAT gateway (${nat * gateways:,.2f}/month); see network.{role}.interface_endpoints"
        ]
    if gateways:
        needed = len(interface_services(vpc_of(role), feature_store=False))
        instead = needed * DEFAULT_ENDPOINT_ZONES * endpoint_rate.per_unit * hours
        return [
            f"egress: NAT gateway ≈ ${nat * gateways:,.2f}/month + {usd(nat_rate.per_unit)}/GB; "
            f'{key} = "vpc-endpoints-only" instead: {needed} endpoints × {DEFAULT_ENDPOINT_ZONES} AZ '
            f"(network.{role}.endpoint_zones) ≈ ${instead:,.2f}/month"
        ]
    paying = (
        f"{endpoints['endpoints']} interface endpoints ≈ ${paid:,.2f}/month"
        if endpoints["endpoints"]
        else "the free S3 and DynamoDB gateways only"
    )
    return [
        f"egress: {paying}, no route out; "
        f'{key} = "nat-gateway" instead: one NAT gateway and its IPv4 address ≈ ${nat:,.2f}/month '
        f"+ {usd(nat_rate.per_unit)}/GB"
    ]
