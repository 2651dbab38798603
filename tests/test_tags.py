"""Every taggable resource carries the cost-allocation tags, so the bill splits by project and account."""

from __future__ import annotations


def _tags(properties: dict) -> dict[str, str] | None:
    tags = properties.get("Tags", properties.get("ResourceTags"))
    if tags is None:
        return None
    if isinstance(tags, dict):  # some resource types take a map
        return tags
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_every_taggable_resource_is_tagged_for_cost_allocation(synthesized, example_config):
    for stack in synthesized.values():
        tagged = 0
        for logical_id, resource in stack.template["Resources"].items():
            tags = _tags(resource.get("Properties", {}))
            if tags is None:
                continue
            tagged += 1
            assert {k: tags.get(k) for k in ("project", "account-role", "cost-centre")} == {
                "project": example_config.platform.name,
                "account-role": stack.stage,
                "cost-centre": example_config.platform.cost_centre,
            }, f"{stack.name}/{logical_id}"
        assert tagged, f"{stack.name} has no tagged resource: this test would check nothing"
