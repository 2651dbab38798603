"""The literal physical names a synthesized stack gives its resources, and the scope each must be
unique in: what collides when two stages share an account (a single-account trial)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cfn.assembly import SynthesizedStack
from cfn.schemas import resource_schema
from cfn.values import join, renderer

# Names unique in the whole account (IAM; budgets and cost-anomaly monitors are account-wide), or in
# all of AWS (S3); every other name is unique per account and region.
_ACCOUNT_WIDE = ("AWS::IAM::", "AWS::Budgets::", "AWS::CE::")
_GLOBAL = ("AWS::S3::Bucket",)
# Names the schemas do not list as create-only names: nested ones, and ones that can change in place.
_OTHER_NAMES = {
    "AWS::Budgets::Budget": ("Budget", "BudgetName"),
    "AWS::CE::AnomalyMonitor": ("MonitorName",),
    "AWS::CE::AnomalySubscription": ("SubscriptionName",),
}
_UNRESOLVED = "\0"  # a generated or deploy-time part: such a name is not literal


@dataclass(frozen=True)
class PhysicalName:
    type_name: str
    name: str
    scope: str  # where it must be unique: "aws", "<account>" or "<account>/<region>"
    where: str  # "<stack path>/<logical id>", to name the culprit


def physical_names(stack: SynthesizedStack) -> Iterator[PhysicalName]:
    """The names that are fixed at synthesis (literal, or built from the stack's account and region)."""
    pseudo = {"AWS::AccountId": stack.account, "AWS::Region": stack.region, "AWS::Partition": "aws"}
    render = renderer(
        {"Fn::Join": join, "Ref": lambda name, _: pseudo.get(name, _UNRESOLVED)},
        lambda _: _UNRESOLVED,
    )
    for logical_id, resource in stack.template.get("Resources", {}).items():
        type_name = resource["Type"]
        for value in _name_values(type_name, resource.get("Properties", {}), stack.region):
            name = render(value)
            if _UNRESOLVED not in name:
                yield PhysicalName(type_name, name, _scope(type_name, stack), f"{stack.path}/{logical_id}")


def _name_values(type_name: str, properties: dict[str, Any], region: str) -> Iterator[Any]:
    schema = resource_schema(type_name, region)
    for prop in schema.name_properties if schema else ():
        if prop in properties:
            yield properties[prop]
    value: Any = properties
    for key in _OTHER_NAMES.get(type_name, ("\0",)):
        value = value.get(key) if isinstance(value, dict) else None
    if value is not None:
        yield value


def _scope(type_name: str, stack: SynthesizedStack) -> str:
    if type_name.startswith(_GLOBAL):
        return "aws"
    if type_name.startswith(_ACCOUNT_WIDE):
        return stack.account
    return f"{stack.account}/{stack.region}"


def collisions(names: list[PhysicalName]) -> dict[tuple[str, str, str], list[str]]:
    """(scope, type, name) -> the resources sharing it, for every name given more than once."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for name in names:
        found.setdefault((name.scope, name.type_name, name.name), []).append(name.where)
    return {key: where for key, where in found.items() if len(where) > 1}
