"""A synthesized template as the per-kind rules read it: its resources, the values known before
deployment, and which resource a value points at."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from cfn.references import references
from platform_config.prices import PriceTable
from tooling.costs.model import Item, condition_label


@dataclass(frozen=True)
class Template:
    """One stack's template, the region it deploys to, and the prices to apply there."""

    body: dict
    region: str
    prices: PriceTable

    @property
    def resources(self) -> dict[str, dict]:
        return self.body.get("Resources", {}) or {}

    def of_type(self, *types: str) -> Iterator[tuple[str, dict]]:
        """(logical id, resource) of each resource of one of `types`, in template order."""
        return ((lid, r) for lid, r in self.resources.items() if r.get("Type") in types)

    def literal(self, value: Any) -> Any:
        """A plain value, or a Ref to a parameter's default; None for anything resolved at deploy time."""
        if isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, dict) and set(value) == {"Ref"}:
            parameter = (self.body.get("Parameters") or {}).get(value["Ref"])
            if isinstance(parameter, dict) and "Default" in parameter:
                return parameter["Default"]
        return None

    def number(self, value: Any) -> float | None:
        value = self.literal(value)
        if isinstance(value, bool) or value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None

    def referenced(self, value: Any, types: Collection[str], name_property: str) -> str | None:
        """The logical id of the resource of one of `types` that `value` refers to (by Ref, GetAtt or
        Sub, at any depth: e.g. a name taken from its ARN), or else whose `name_property` is `value`."""
        resources = self.resources
        referred = (
            lid for lid in sorted(references(value).names) if resources.get(lid, {}).get("Type") in types
        )
        if (found := next(referred, None)) is not None or not isinstance(value, str):
            return found
        named = (
            lid for lid, r in self.of_type(*types) if (r.get("Properties") or {}).get(name_property) == value
        )
        return next(named, None)


@dataclass(frozen=True)
class Resource:
    """One resource of a template, as a rule reads it."""

    logical_id: str
    type: str
    properties: dict
    condition: str | None
    template: Template

    @classmethod
    def read(cls, logical_id: str, resource: dict, template: Template) -> Resource:
        return cls(
            logical_id,
            resource.get("Type", ""),
            resource.get("Properties", {}) or {},
            resource.get("Condition"),
            template,
        )

    @property
    def region(self) -> str:
        return self.template.region

    @property
    def prices(self) -> PriceTable:
        return self.template.prices

    @property
    def when(self) -> str:
        """The note's ending saying when the resource exists, "" if always."""
        return condition_label(self.condition)


# A per-kind rule: what one resource of its kind contributes to the estimate.
Rule = Callable[[Resource], Iterator[Item]]
