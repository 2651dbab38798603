"""The Availability Zones each region has, so that a zone that does not exist is refused at load, not
by EC2 when the VPC's subnets are created.

`zones.json` beside this module lists them from AWS's table of zones by region
(https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html): a zone's
name is its region's code and a letter. The oldest regions map names to zones per account
(https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html), so there the table
holds every letter some account sees (`aws ec2 describe-availability-zones` says which are yours).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

ZONES_FILE = Path(__file__).with_name("zones.json")


@cache
def region_zones() -> dict[str, tuple[str, ...]]:
    return {region: tuple(zones) for region, zones in json.loads(ZONES_FILE.read_text("utf-8")).items()}


def zone_problem(zone: str, region: str) -> str | None:
    """Why `zone` cannot be one of `region`'s zones, with the fix, or None."""
    zones = region_zones().get(region, ())
    if not zone.startswith(region):
        return f"availability zone '{zone}' is not in region {region}; fix: use zones such as '{region}a'"
    if zone not in zones:
        return f"availability zone '{zone}' does not exist in {region}; fix: use some of {list(zones)}"
    return None
