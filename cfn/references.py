"""What a value in a synthesized CloudFormation template depends on: the parameters and resources it
names (Ref, Fn::GetAtt, Fn::Sub `${...}`) and the conditions it tests (Fn::If, `{"Condition": ...}`).

Plain JSON in, names out, so that any reader of templates (the replacement analysis, its check) asks
the same question the same way. Pseudo parameters (`AWS::Region`) come back too: callers keep the
names they care about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")  # `${!Literal}` is an escaped `${Literal}`


@dataclass(frozen=True)
class References:
    names: frozenset[str]  # parameters, resources (logical ids) and pseudo parameters
    conditions: frozenset[str]


def references(value: Any) -> References:
    """Everything `value` refers to, at any depth."""
    names: set[str] = set()
    conditions: set[str] = set()
    _walk(value, names, conditions, in_condition=False)
    return References(frozenset(names), frozenset(conditions))


def condition_references(expression: Any) -> References:
    """The same for an entry of the template's Conditions, where `{"Condition": name}` names another."""
    names: set[str] = set()
    conditions: set[str] = set()
    _walk(expression, names, conditions, in_condition=True)
    return References(frozenset(names), frozenset(conditions))


def getatt_target(argument: Any) -> str:
    """The logical id of `Fn::GetAtt`'s argument: `[id, attribute]` or `"id.attribute"`."""
    return argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0]


def _walk(value: Any, names: set[str], conditions: set[str], *, in_condition: bool) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(item, names, conditions, in_condition=in_condition)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref" and isinstance(argument, str):
            names.add(argument)
            return
        if function == "Fn::GetAtt":
            names.add(getatt_target(argument))
            if isinstance(argument, list):  # the attribute name may itself be a Ref
                _walk(argument[1:], names, conditions, in_condition=in_condition)
            return
        if function == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
            used = {match.split(".", 1)[0] for match in _SUB_VARIABLE.findall(text)}
            names.update(used - set(variables))
            _walk(variables, names, conditions, in_condition=in_condition)
            return
        if function == "Fn::If" and isinstance(argument, list) and argument:
            conditions.add(argument[0])
            _walk(argument[1:], names, conditions, in_condition=in_condition)
            return
        if function == "Condition" and in_condition and isinstance(argument, str):
            conditions.add(argument)
            return
    for item in value.values():
        _walk(item, names, conditions, in_condition=in_condition)
