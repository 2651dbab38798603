"""Which resources CloudFormation replaces, creates or deletes when a stack is deployed again with other
parameter values, read offline from the synthesized template and the provider schemas.

CloudFormation replaces a resource when one of its create-only properties changes (and refuses to
when the resource has a fixed, custom name: the new one would collide with the old). The template is
the same on both sides, so a value changes only if it depends on a parameter whose value changes, a
condition that flips, or a resource that is itself replaced (its Ref and attributes are new).
Resources behind a condition that flips are created or deleted instead.

`unsafe_names` asks the question once for any parameter values: a fixed name on a resource that some
parameter can force to be replaced is a deployment that will fail one day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cfn.references import condition_references, references
from cfn.schemas import resource_schema


@dataclass(frozen=True)
class Replacement:
    logical_id: str
    type_name: str
    property: str  # the create-only property that changes, e.g. "Containers"
    cause: str  # what it depends on that changes: a parameter, a condition or a replaced resource
    parameter: str  # the changed parameter at the root of that chain
    fixed_name: str | None  # its name property, if that keeps its value: CloudFormation refuses the update


@dataclass(frozen=True)
class UpdatePlan:
    replaced: dict[str, Replacement]
    created: frozenset[str]
    deleted: frozenset[str]
    unknown_types: dict[str, str]  # logical id -> a type the schemas do not know: not analysed

    @property
    def refused(self) -> list[Replacement]:
        """The replacements CloudFormation refuses: the whole update fails and rolls back."""
        return [r for r in self.replaced.values() if r.fixed_name]


def parameter_values(
    template: dict, given: Mapping[str, str], previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The values a deployment gives the stack: the given ones, else the previous deployment's (what
    `cdk deploy` sends, as UsePreviousValue, unless run with `--no-previous-parameters`), else the
    template's defaults (what CloudFormation itself uses for a parameter it is not given)."""
    declared = template.get("Parameters", {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f"parameters {unknown} are not in the template: CloudFormation refuses them")
    values = {}
    for name, declaration in declared.items():
        if name in given:
            values[name] = str(given[name])
        elif previous is not None and name in previous:
            values[name] = str(previous[name])
        elif "Default" in declaration:
            values[name] = str(declaration["Default"])
        else:
            raise ValueError(f"parameter {name} has no value and no default: CloudFormation refuses that")
    return values


def plan_update(
    template: dict, before: Mapping[str, str], after: Mapping[str, str], region: str | None = None
) -> UpdatePlan:
    """The stack deployed with `before` (values given to `parameter_values`), then with `after`."""
    old, new = parameter_values(template, before), parameter_values(template, after)
    changed = {name for name in old if old[name] != new[name]}
    pseudo = {"AWS::Region": region} if region else {}
    flipped = set()
    for name in _conditions_depending_on(template, changed):
        was, now = _evaluate(template, name, old | pseudo), _evaluate(template, name, new | pseudo)
        if was is None or now is None or was != now:  # not known offline: it may flip
            flipped.add(name)
    resources = template.get("Resources", {})
    existed = {i for i, r in resources.items() if _exists(template, r, old | pseudo)}
    exists = {i for i, r in resources.items() if _exists(template, r, new | pseudo)}
    kept = [i for i in resources if i in existed and i in exists]
    replaced, unknown = _replacements(template, kept, changed, flipped, region)
    return UpdatePlan(replaced, frozenset(exists - existed), frozenset(existed - exists), unknown)


def unsafe_names(template: dict, region: str | None = None) -> tuple[list[Replacement], dict[str, str]]:
    """Resources with a fixed name that some parameter value would force CloudFormation to replace, and
    the resources of types the schemas do not know (which cannot be checked)."""
    parameters = set(template.get("Parameters", {}))
    conditions = _conditions_depending_on(template, parameters)
    replaced, unknown = _replacements(template, template.get("Resources", {}), parameters, conditions, region)
    return [r for r in replaced.values() if r.fixed_name], unknown


def _replacements(
    template: dict, candidates: Iterable[str], parameters: set[str], conditions: set[str], region: str | None
) -> tuple[dict[str, Replacement], dict[str, str]]:
    """The replaced among `candidates`, to a fixed point: a replaced resource changes its referrers."""
    resources = template.get("Resources", {})
    condition_parameters = {c: sorted(_condition_names(template, c) & parameters) for c in conditions}
    schemas, unknown = {}, {}
    for logical_id in candidates:
        schema = resource_schema(resources[logical_id]["Type"], region)
        if schema is None:
            unknown[logical_id] = resources[logical_id]["Type"]
        else:
            schemas[logical_id] = schema
    replaced: dict[str, tuple[str, str, str]] = {}  # id -> (property, cause, parameter)
    growing = True
    while growing:
        growing = False
        for logical_id, schema in schemas.items():
            if logical_id in replaced:
                continue
            properties = resources[logical_id].get("Properties", {})
            for path in schema.create_only:
                refs = references(_values_at(properties, path))
                causes = (
                    [(p, p) for p in sorted(refs.names & parameters)]
                    + [(c, condition_parameters[c][0]) for c in sorted(refs.conditions & conditions)]
                    + [(r, replaced[r][2]) for r in sorted(refs.names & set(replaced))]
                )
                if causes:
                    replaced[logical_id] = ("/".join(path), *causes[0])
                    growing = True
                    break
    changing = parameters | set(replaced)
    return {
        logical_id: Replacement(
            logical_id,
            schemas[logical_id].type_name,
            prop,
            cause,
            parameter,
            _fixed_name(resources[logical_id], schemas[logical_id].name_properties, changing, conditions),
        )
        for logical_id, (prop, cause, parameter) in replaced.items()
    }, unknown


def _fixed_name(
    resource: dict, name_properties: tuple[str, ...], changing: set[str], conditions: set[str]
) -> str | None:
    """The name property set to a value that does not change with the update, if any."""
    for name in name_properties:
        value = resource.get("Properties", {}).get(name)
        if value is None:
            continue
        refs = references(value)
        if not (refs.names & changing or refs.conditions & conditions):
            return name
    return None


def _values_at(properties: dict, path: tuple[str, ...]) -> list[Any]:
    """The values at a property path; an intrinsic on the way stands for everything under it."""
    values: list[Any] = [properties]
    for key in path:
        found: list[Any] = []
        for value in values:
            if isinstance(value, list):
                found.extend(item.get(key) if _plain(item) else item for item in value)
            elif _plain(value):
                found.append(value.get(key))
            else:
                found.append(value)
        values = [v for v in found if v is not None]
    return values


def _plain(value: Any) -> bool:
    """A dict of properties, not an intrinsic function."""
    if not isinstance(value, dict):
        return False
    if len(value) != 1:
        return True
    key = next(iter(value))
    return key != "Ref" and not key.startswith("Fn::")


def _conditions_depending_on(template: dict, parameters: set[str]) -> set[str]:
    return {name for name in template.get("Conditions", {}) if _condition_names(template, name) & parameters}


def _condition_names(template: dict, condition: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The parameters (and pseudo parameters) a condition tests, through the conditions it uses."""
    refs = condition_references(template["Conditions"][condition])
    names = set(refs.names)
    for other in refs.conditions - seen - {condition}:
        names |= _condition_names(template, other, seen | {condition})
    return names


def _exists(template: dict, resource: dict, values: Mapping[str, str]) -> bool:
    """Whether the resource is in the stack; a condition that cannot be evaluated here counts as true."""
    condition = resource.get("Condition")
    return condition is None or _evaluate(template, condition, values) is not False


def _evaluate(template: dict, condition: str, values: Mapping[str, str]) -> bool | None:
    """The condition's value, or None when it tests something not known offline (e.g. AWS::AccountId)."""
    try:
        return _truth(template["Conditions"][condition], template, values)
    except LookupError:
        return None


def _truth(expression: Any, template: dict, values: Mapping[str, str]) -> bool:
    ((function, argument),) = expression.items()
    if function == "Condition":
        return _truth(template["Conditions"][argument], template, values)
    if function == "Fn::Not":
        return not _truth(argument[0], template, values)
    if function == "Fn::And":
        return all(_truth(e, template, values) for e in argument)
    if function == "Fn::Or":
        return any(_truth(e, template, values) for e in argument)
    if function == "Fn::Equals":
        left, right = (_scalar(v, values) for v in argument)
        return left == right
    raise LookupError(function)


def _scalar(value: Any, values: Mapping[str, str]) -> str:
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return values[value["Ref"]]  # KeyError (a LookupError) for an unknown pseudo parameter
    if isinstance(value, (dict, list)):
        raise LookupError(str(value))
    return str(value).lower() if isinstance(value, bool) else str(value)
