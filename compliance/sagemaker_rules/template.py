"""Reading a resource as its synthesized template says it: its properties, its stack's other resources,
references to it.

Properties are CloudFormation's (PascalCase, `EnableCapture`), exactly as they will be deployed:
references are `{"Ref": id}` / `{"Fn::GetAtt": [id, attr]}`, tags are the rendered `Tags` (those of
`Tags.of(...)` included), and raw overrides (`add_property_override`) count too, which the L1s'
typed attributes the pack read as a cdk-nag pack never showed. Plain JSON: a rule costs no round
trip to jsii's Node.js process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cfn.references import getatt_target

PROD = "prod"


@dataclass(frozen=True)
class StackTemplate:
    """One synthesized stack: the account role it deploys to (its stage: dev, test or prod) and its
    resources by logical id."""

    stage: str
    resources: dict[str, dict[str, Any]]

    @cached_property
    def _by_type(self) -> dict[str, list[Resource]]:
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for logical_id, definition in self.resources.items():
            by_type[definition.get("Type", "")].append(Resource(logical_id, definition, self))
        return by_type

    @classmethod
    def of(cls, stack_construct_path: str, template: dict[str, Any]) -> StackTemplate:
        """A stack's stage is the first segment of its construct path (`prod/Serving-churn`)."""
        return cls(stack_construct_path.split("/", 1)[0], template.get("Resources") or {})

    def of_type(self, *types: str) -> list[Resource]:
        """The stack's resources of these CloudFormation types (`AWS::IAM::Role`), in template order
        within each type."""
        return [resource for each in types for resource in self._by_type.get(each, [])]


@dataclass(frozen=True)
class Resource:
    logical_id: str
    definition: dict[str, Any] = field(repr=False)
    stack: StackTemplate = field(repr=False, compare=False)

    @property
    def type(self) -> str:
        return self.definition.get("Type", "")

    def get(self, name: str) -> Any:
        """A property (`RoleName`), or None if the template does not set it."""
        return (self.definition.get("Properties") or {}).get(name)

    def tagged(self, key: str, value: str) -> bool:
        """Whether the rendered `Tags` (a list of Key/Value, or a map for some types) hold this tag."""
        tags = self.get("Tags")
        if isinstance(tags, dict):
            return tags.get(key) == value
        return isinstance(tags, list) and {"Key": key, "Value": value} in tags

    @property
    def in_prod(self) -> bool:
        """The account a resource deploys to is the name of its stage: dev, test or prod."""
        return self.stack.stage == PROD


def refers_to(value: Any, resource: Resource, name: Any = None) -> bool:
    """Whether a template value points at `resource`: a Ref or GetAtt of it, or its `name` (a
    literal or the same intrinsic)."""
    if isinstance(value, dict):
        if value.get("Ref") == resource.logical_id:
            return True
        if "Fn::GetAtt" in value and getatt_target(value["Fn::GetAtt"]) == resource.logical_id:
            return True
    return name is not None and value == name
