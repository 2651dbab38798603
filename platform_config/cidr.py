"""The VPC's address range: one EC2 accepts for a VPC, private, and large enough for the subnets
`ml_constructs/platform_vpc.py` lays out in it (which reads its subnet masks from here).

EC2 takes a VPC's IPv4 block between /16 and /28 and recommends the RFC 1918 private ranges
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
"""

from __future__ import annotations

import ipaddress
import math

# Per Availability Zone: a Jobs subnet (Studio, jobs, endpoints, interface endpoints) and, with NAT
# egress, an Egress subnet that holds only the NAT gateway.
JOBS_SUBNET_MASK = 20
EGRESS_SUBNET_MASK = 26
LARGEST_VPC, SMALLEST_VPC = 16, 28
PRIVATE_RANGES = tuple(ipaddress.IPv4Network(r) for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def vpc_cidr(value: str) -> str:
    """A well-formed, private IPv4 block of a size EC2 accepts for a VPC."""
    try:
        if "/" not in value:
            raise ValueError(value)
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(
            f"'{value}' is not an IPv4 CIDR block; fix: write one such as '10.20.0.0/16'"
        ) from None
    if not isinstance(network, ipaddress.IPv4Network):
        raise ValueError(f"'{value}' is not IPv4; fix: give the VPC an IPv4 block such as '10.20.0.0/16'")
    if str(network) != value:
        raise ValueError(f"'{value}' has host bits set; fix: use its network address, '{network}'")
    if not any(network.subnet_of(private) for private in PRIVATE_RANGES):
        raise ValueError(
            f"'{value}' is not in a private (RFC 1918) range; fix: use a block inside "
            f"{[str(r) for r in PRIVATE_RANGES]}, e.g. '10.20.0.0/16'"
        )
    if not LARGEST_VPC <= network.prefixlen <= SMALLEST_VPC:
        example = (
            network.supernet(new_prefix=LARGEST_VPC)
            if network.prefixlen > LARGEST_VPC
            else next(network.subnets(new_prefix=LARGEST_VPC))
        )
        raise ValueError(
            f"'{value}' is a /{network.prefixlen}, and a VPC is /{LARGEST_VPC} to /{SMALLEST_VPC}; "
            f"fix: use e.g. '{example}'"
        )
    return value


def addresses_needed(zones: int, with_nat: bool) -> int:
    """Addresses the VPC's subnets take: each zone's Jobs subnet, then each zone's Egress subnet (CDK
    allocates them in that order, each aligned to its size, which these masks keep contiguous)."""
    per_zone = 2 ** (32 - JOBS_SUBNET_MASK) + (2 ** (32 - EGRESS_SUBNET_MASK) if with_nat else 0)
    return zones * per_zone


def too_small(cidr: str, vpc: str, zones: int, with_nat: bool) -> str | None:
    """Why the block cannot hold the subnets of `vpc` over `zones` zones, with the fix, or None."""
    network = ipaddress.ip_network(cidr)
    needed = addresses_needed(zones, with_nat)
    if network.num_addresses >= needed:
        return None
    prefix = 32 - math.ceil(math.log2(needed))
    subnets = f"{zones} zone(s) x a /{JOBS_SUBNET_MASK} Jobs subnet" + (
        f" + a /{EGRESS_SUBNET_MASK} Egress subnet" if with_nat else ""
    )
    return (
        f"'{cidr}' holds {network.num_addresses} addresses, but the {vpc} VPC's subnets need {needed} "
        f"({subnets}); fix: use a /{prefix} or larger, e.g. '{network.supernet(new_prefix=prefix)}'"
    )
