"""Every documented workflow reaches the services it calls from its VPC: through an endpoint of that
VPC, or through NAT when config chose internet egress (issue 9: the CLI timed out in Studio)."""

from __future__ import annotations

import copy

import pytest

from platform_config.reachability import GATEWAY_SERVICES, WORKFLOWS

# Test has a VPC only when one of its endpoints is instance-backed (the example's is serverless).
NETWORK_STACKS = {"dev": ["dev/Network"], "serving": ["prod/Network"]}


def reachable(template: dict) -> set[str] | None:
    """The services a VPC template reaches: its endpoints' services, or None (everything) with NAT."""
    resources = template["Resources"].values()
    if any(r["Type"] == "AWS::EC2::NatGateway" for r in resources):
        return None
    services = set()
    for resource in resources:
        if resource["Type"] != "AWS::EC2::VPCEndpoint":
            continue
        name = resource["Properties"]["ServiceName"]
        if isinstance(name, dict):  # gateway endpoints: Fn::Join of "com.amazonaws.", region, ".s3"
            name = "".join(part if isinstance(part, str) else "" for part in name["Fn::Join"][1])
        services.add(name.split(".", 3)[-1] if name.count(".") >= 3 else name.rsplit(".", 1)[-1])
    return services


def unreachable(template: dict, workflow) -> list[str]:
    services = reachable(template)
    return [] if services is None else [s for s in workflow.services if s not in services]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name.split(":")[0])
def test_each_workflow_reaches_every_service_it_calls(workflow, synthesized, example_config):
    if workflow.needs_feature_store and not example_config.studio.feature_store:
        pytest.skip("Feature Store is off in the example config (config validation covers it when on)")
    for path in NETWORK_STACKS[workflow.vpc]:
        assert unreachable(synthesized[path].template, workflow) == [], path


def test_gateway_endpoints_are_read_as_their_service(synthesized):
    services = reachable(synthesized["dev/Network"].template)
    assert set(GATEWAY_SERVICES) <= services and "codepipeline" in services and "sagemaker.api" in services


def test_a_vpc_without_the_codepipeline_endpoint_fails_the_cli_workflow(synthesized):
    """The negative control: remove the endpoint the gate command needs, and the check says so."""
    template = copy.deepcopy(synthesized["dev/Network"].template)
    template["Resources"] = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if "codepipeline" not in str(resource.get("Properties", {}).get("ServiceName", ""))
    }
    gate = next(w for w in WORKFLOWS if "gate" in w.name)
    assert unreachable(template, gate) == ["codepipeline"]
