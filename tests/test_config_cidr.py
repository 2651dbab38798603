"""The VPC's CIDR: malformed, public, outside EC2's VPC sizes or too small for the subnets the VPC
construct lays out is refused at load, in one line, never by a traceback from the construct."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from hypothesis import given
from hypothesis import strategies as st

from ml_constructs.platform_vpc import PlatformVpc, VpcProps
from platform_config import schema
from platform_config.cidr import addresses_needed, too_small
from tests.config_edits import edit, loads, refusal

CIDR = 'cidr = "10.20.0.0/16"'
TWO_ZONES = ["eu-west-1a", "eu-west-1b"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("banana", "is not an IPv4 CIDR block"),
        ("10.20.0.0", "is not an IPv4 CIDR block"),
        ("10.20.0.0/33", "is not an IPv4 CIDR block"),
        ("10.300.0.0/16", "is not an IPv4 CIDR block"),
        ("fd00::/56", "is not IPv4"),
        ("10.20.0.1/16", "has host bits set; fix: use its network address, '10.20.0.0/16'"),
        ("8.8.0.0/16", "is not in a private (RFC 1918) range"),
        ("100.64.0.0/16", "is not in a private (RFC 1918) range"),
        ("10.0.0.0/8", "is a /8, and a VPC is /16 to /28; fix: use e.g. '10.0.0.0/16'"),
        ("10.20.0.0/29", "is a /29, and a VPC is /16 to /28"),
    ],
)
def test_a_cidr_ec2_would_refuse_is_refused(value, expected):
    message = refusal(edit(CIDR, f'cidr = "{value}"'))
    assert message.startswith(f"network.cidr: '{value}' {expected}")


@pytest.mark.parametrize(
    ("value", "egress", "needed"),
    [
        (
            "10.20.0.0/20",
            "vpc-endpoints-only",
            "8192 (2 zone(s) x a /20 Jobs subnet); fix: use a /19 or larger",
        ),
        ("10.20.0.0/28", "vpc-endpoints-only", "8192"),
        (
            "10.20.0.0/19",
            "nat-gateway",
            "8320 (2 zone(s) x a /20 Jobs subnet + a /26 Egress subnet); fix: use a /18",
        ),
    ],
)
def test_a_cidr_too_small_for_the_subnets_is_refused(value, egress, needed):
    text = edit('egress = "vpc-endpoints-only"', f'egress = "{egress}"', edit(CIDR, f'cidr = "{value}"'))
    message = refusal(text)
    assert message.startswith(f"network.cidr: '{value}' holds ")
    assert f"the dev VPC's subnets need {needed}" in message


def test_the_smallest_cidr_that_fits_loads():
    assert loads(edit(CIDR, 'cidr = "192.168.32.0/19"')).network.cidr == "192.168.32.0/19"


def _vpc(cidr: str, zones: list[str], with_nat: bool) -> PlatformVpc:
    stack = Stack(App(), "Vpc", env={"account": "111111111111", "region": "eu-west-1"})
    return PlatformVpc(stack, "Vpc", props=VpcProps(cidr, zones, with_nat, interface_endpoints=()))


@pytest.mark.parametrize("with_nat", [False, True])
def test_the_layout_matches_what_the_vpc_construct_allocates(with_nat):
    """At the smallest block the check accepts the construct builds; one size smaller it raises."""
    zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    needed = addresses_needed(len(zones), with_nat)
    prefix = 32 - (needed - 1).bit_length()
    _vpc(f"10.0.0.0/{prefix}", zones, with_nat)
    assert too_small(f"10.0.0.0/{prefix + 1}", "dev", len(zones), with_nat)
    with pytest.raises(RuntimeError, match="exceeds remaining space"):
        _vpc(f"10.0.0.0/{prefix + 1}", zones, with_nat)


@given(st.integers(16, 28), st.integers(1, 6), st.booleans())
def test_a_block_is_refused_exactly_when_the_subnets_do_not_fit(prefix, zones, with_nat):
    fits = 2 ** (32 - prefix) >= addresses_needed(zones, with_nat)
    assert (too_small(f"10.0.0.0/{prefix}", "dev", zones, with_nat) is None) == fits


def test_without_the_check_a_small_cidr_reaches_the_construct(monkeypatch):
    """Negative control: planted out, a /20 loads, and the VPC construct fails with a traceback."""
    monkeypatch.setattr(schema, "too_small", lambda *args: None)
    config = loads(edit(CIDR, 'cidr = "10.20.0.0/20"'))
    with pytest.raises(RuntimeError, match="exceeds remaining space"):
        _vpc(config.network.cidr, TWO_ZONES, with_nat=False)
