"""Each account chooses its own way out (issue 11): NAT in dev adds no NAT to test or prod and keeps
no paid interface endpoints beside it, a combination that pays twice is said in one line, and the
idle-cost summary shows what each choice costs."""

from __future__ import annotations

import pytest

from cfn.assembly import read_assembly
from platform_config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.templates import resources
from tooling.costs import estimate
from tooling.synth import synthesize

DEV_ENDPOINTS = 'dev = { egress = "vpc-endpoints-only", interface_endpoints = ['


def config_text(dev: str) -> str:
    """The example, with `dev` as its `network.dev` line."""
    lines = EXAMPLE_CONFIG.read_text(encoding="utf-8").splitlines()
    return "\n".join(dev if line.startswith(DEV_ENDPOINTS) else line for line in lines) + "\n"


@pytest.fixture(scope="module")
def nat_in_dev(tmp_path_factory):
    path = tmp_path_factory.mktemp("config") / "nat.toml"
    path.write_text(config_text('dev = { egress = "nat-gateway" }'), encoding="utf-8")
    outdir = tmp_path_factory.mktemp("cdk.out")
    synthesize(load_config(path), outdir)  # with every check
    return {stack.path: stack for stack in read_assembly(outdir)}


def interface_endpoints(template: dict) -> list[dict]:
    endpoints = resources(template, "AWS::EC2::VPCEndpoint").values()
    return [e for e in endpoints if e["Properties"].get("VpcEndpointType") == "Interface"]


def test_nat_in_dev_gives_dev_one_nat_gateway_and_no_paid_endpoints(nat_in_dev):
    dev = nat_in_dev["dev/Network"].template
    assert len(resources(dev, "AWS::EC2::NatGateway")) == 1
    assert interface_endpoints(dev) == []


def test_nat_in_dev_leaves_prod_without_a_route_out_and_test_without_a_vpc(nat_in_dev):
    template = nat_in_dev["prod/Network"].template
    assert resources(template, "AWS::EC2::NatGateway") == {}
    assert resources(template, "AWS::EC2::InternetGateway") == {}
    assert interface_endpoints(template) == []  # the free S3 gateway is all an endpoint needs
    assert "test/Network" not in nat_in_dev  # its endpoint is serverless


def test_the_cost_summary_shows_what_each_choice_costs(nat_in_dev, synthesized):
    with_nat = {a.role: a for a in estimate(nat_in_dev.values())}
    example = {a.role: a for a in estimate(synthesized.values())}
    dev_nat, dev_endpoints = with_nat["dev"], example["dev"]
    assert any(line.what.startswith("NAT gateways") for line in dev_nat.lines)
    assert not any(line.what.startswith("interface VPC endpoint") for line in dev_nat.lines)
    # 8 endpoints in 1 AZ at $0.011/h give way to one NAT gateway at $0.048/h and its IPv4 address.
    assert dev_endpoints.total_unconditional - dev_nat.total_unconditional == pytest.approx(64.24 - 38.69)
    assert (
        'network.dev.egress = "vpc-endpoints-only" instead: 8 endpoints × 1 AZ (network.dev.endpoint_zones) '
        "≈ $64.24" in dev_nat.notes[0]
    )
    assert 'network.dev.egress = "nat-gateway" instead' in dev_endpoints.notes[0]
    for role in ("test", "prod"):
        assert with_nat[role].total == example[role].total


def test_endpoints_beside_a_nat_gateway_are_said_to_pay_twice(tmp_path):
    path = tmp_path / "both.toml"
    path.write_text(
        config_text('dev = { egress = "nat-gateway", interface_endpoints = ["sts"] }'), encoding="utf-8"
    )
    assert load_config(path).warnings() == [
        'network.dev has egress = "nat-gateway" and 1 interface endpoints: it pays for both ways out (see the '
        "idle-cost summary); fix: remove network.dev.interface_endpoints unless traffic must stay private, "
        "or drop the NAT gateway"
    ]


def test_the_example_has_nothing_to_warn_about(example_config):
    """Negative control for the warning: endpoints without NAT are one way out, not two."""
    assert example_config.warnings() == []


def test_the_example_idles_under_110_dollars_a_month_before_any_promotion(synthesized):
    """Issue 12's bar: test has no VPC (serverless), prod's VPC no interface endpoint, and dev's
    endpoints span one zone; what remains is dev's eight endpoints and the keys."""
    idle = {a.role: a.total_unconditional for a in estimate(synthesized.values())}
    assert sum(idle.values()) <= 110, idle
    assert idle["test"] < 5 and idle["prod"] < 5, idle


def test_each_interface_endpoint_spans_the_configured_zones(synthesized, example_config):
    dev = synthesized["dev/Network"].template
    spans = {len(e["Properties"]["SubnetIds"]) for e in interface_endpoints(dev)}
    assert spans == {example_config.network.dev.endpoint_zones} == {1}
