"""Reading a resource as its template will say it: resolved values, its stack's other resources, references.

Properties are read through the L1's typed attributes and resolved with `Stack.resolve`: struct
properties come back in CDK's camelCase (`enableCapture`), JSON properties (policy documents) as
written, references as `{"Ref": id}` / `{"Fn::GetAtt": [id, attr]}`. Raw overrides
(`add_property_override`) are not seen: CDK applies them only when it renders the template.

Every read is a round trip to jsii's Node.js process, and rules read the same properties of the same
resources again and again (every role reads every policy of its stack): each resolved property and
each stack's resources are read once, kept for as long as the construct lives (validation runs on
the finished tree, so nothing changes under the cache).
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from aws_cdk import CfnResource, Stack, Stage

PROD = "prod"


_RESOLVED: WeakKeyDictionary[CfnResource, dict[str, Any]] = WeakKeyDictionary()
_RESOURCES: WeakKeyDictionary[Stack, list[CfnResource]] = WeakKeyDictionary()


def resolved(node: CfnResource, attribute: str) -> Any:
    """The node's attribute (`role_name`, `policy_document`, `logical_id`), resolved."""
    values = _RESOLVED.setdefault(node, {})
    if attribute not in values:
        values[attribute] = Stack.of(node).resolve(getattr(node, attribute))
    return values[attribute]


def rendered_tags(node: CfnResource) -> Any:
    """The tags CDK renders for the node (`Tags.of(...)` included), resolved."""
    values = _RESOLVED.setdefault(node, {})
    if "\0tags" not in values:
        values["\0tags"] = Stack.of(node).resolve(node.tags.render_tags())
    return values["\0tags"]


def in_prod(node: CfnResource) -> bool:
    """The account a resource deploys to is the name of its `cdk.Stage`: dev, test or prod."""
    return Stage.of(node).stage_name == PROD


def stack_resources(node: CfnResource, *types: type[CfnResource]) -> list[CfnResource]:
    """The resources of these L1 types in the node's own stack (not in nested or other stacks)."""
    stack = Stack.of(node)
    if stack not in _RESOURCES:
        _RESOURCES[stack] = [
            c for c in stack.node.find_all() if isinstance(c, CfnResource) and Stack.of(c) is stack
        ]
    return [c for c in _RESOURCES[stack] if isinstance(c, types)]


def refers_to(value: Any, resource: CfnResource, name: Any = None) -> bool:
    """Whether a resolved value points at `resource`: a Ref or GetAtt of it, or its resolved `name`
    (a literal or the same token structure)."""
    logical_id = resolved(resource, "logical_id")
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att[:1] == [logical_id]:
            return True
    return name is not None and value == name
