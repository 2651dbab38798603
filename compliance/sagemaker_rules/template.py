"""Reading a resource as its template will say it: resolved values, its stack's other resources, references.

Properties are read through the L1's typed attributes and resolved with `Stack.resolve`: struct
properties come back in CDK's camelCase (`enableCapture`), JSON properties (policy documents) as
written, references as `{"Ref": id}` / `{"Fn::GetAtt": [id, attr]}`. Raw overrides
(`add_property_override`) are not seen: CDK applies them only when it renders the template.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource, Stack, Stage

PROD = "prod"


def resolved(node: CfnResource, value: Any) -> Any:
    return Stack.of(node).resolve(value)


def in_prod(node: CfnResource) -> bool:
    """The account a resource deploys to is the name of its `cdk.Stage`: dev, test or prod."""
    return Stage.of(node).stage_name == PROD


def stack_resources(node: CfnResource, *types: type[CfnResource]) -> list[CfnResource]:
    """The resources of these L1 types in the node's own stack (not in nested or other stacks)."""
    stack = Stack.of(node)
    return [c for c in stack.node.find_all() if isinstance(c, types) and Stack.of(c) is stack]


def refers_to(value: Any, resource: CfnResource, name: Any = None) -> bool:
    """Whether a resolved value points at `resource`: a Ref or GetAtt of it, or its resolved `name`
    (a literal or the same token structure)."""
    logical_id = resolved(resource, resource.logical_id)
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att[:1] == [logical_id]:
            return True
    return name is not None and value == name
