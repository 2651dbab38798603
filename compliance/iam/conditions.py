"""The Condition element: operators, `...IfExists`, the `ForAnyValue:`/`ForAllValues:` set operators,
and what a key missing from the request means.

Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
operators and keys are ANDed, a key's values ORed; a missing key makes a condition false, except for a
negated operator (true), `...IfExists` (true) and `Null` (which tests for it). Keys compare
case-insensitively, values as the operator says. A multivalued request key needs a set operator:
`ForAllValues` holds when every request value matches (or there are none), `ForAnyValue` when one does.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from compliance.iam.patterns import arn_matches, matches
from compliance.iam.statements import UnsupportedPolicy, as_list

Predicate = Callable[[Any, Any], bool]  # (request value, policy value)


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _literal(value: Any) -> str:
    text = _text(value)
    if "${" in text:
        raise UnsupportedPolicy(f"policy variable in a condition value: {text}")
    return text


def _date(value: Any) -> datetime:
    text = _text(value)
    if text.replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(text), UTC)
    return datetime.fromisoformat(text)


def _compare(convert: Callable[[Any], Any], test: Callable[[Any, Any], bool]) -> Predicate:
    return lambda have, want: test(convert(have), convert(want))


_POSITIVE: dict[str, Predicate] = {
    "StringEquals": lambda have, want: _text(have) == _literal(want),
    "StringEqualsIgnoreCase": lambda have, want: _text(have).casefold() == _literal(want).casefold(),
    "StringLike": lambda have, want: matches(_literal(want), _text(have)),
    "ArnEquals": lambda have, want: arn_matches(_literal(want), _text(have)),
    "ArnLike": lambda have, want: arn_matches(_literal(want), _text(have)),
    "Bool": lambda have, want: _text(have).lower() == _literal(want).lower(),
    "IpAddress": lambda have, want: (
        ipaddress.ip_address(_text(have)) in ipaddress.ip_network(_text(want), strict=False)
    ),
    "NumericEquals": _compare(float, float.__eq__),
    "NumericLessThan": _compare(float, float.__lt__),
    "NumericLessThanEquals": _compare(float, float.__le__),
    "NumericGreaterThan": _compare(float, float.__gt__),
    "NumericGreaterThanEquals": _compare(float, float.__ge__),
    "DateEquals": _compare(_date, datetime.__eq__),
    "DateLessThan": _compare(_date, datetime.__lt__),
    "DateLessThanEquals": _compare(_date, datetime.__le__),
    "DateGreaterThan": _compare(_date, datetime.__gt__),
    "DateGreaterThanEquals": _compare(_date, datetime.__ge__),
}
# Each negated operator holds when its positive form matches none of the policy's values.
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
}
SET_OPERATORS = ("ForAnyValue:", "ForAllValues:")


def _parse(operator: str) -> tuple[str | None, str, bool]:
    """(set operator or None, base operator, IfExists)."""
    qualifier = next((q for q in SET_OPERATORS if operator.startswith(q)), None)
    base = operator.removeprefix(qualifier or "")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    return qualifier, base.removesuffix("IfExists") if if_exists else base, if_exists


def _holds(operator: str, key: str, wanted: list, context: Mapping[str, Any]) -> bool:
    qualifier, base, if_exists = _parse(operator)
    present = key in context and context[key] is not None
    if base == "Null":  # "true": the key must be absent; "false": present
        return all((_literal(w).lower() == "true") != present for w in wanted)
    negated = base in _NEGATED
    test = _POSITIVE.get(_NEGATED.get(base, base))
    if test is None:
        raise UnsupportedPolicy(f"condition operator {operator}")

    def one(value: Any) -> bool:
        hit = any(test(value, w) for w in wanted)
        return not hit if negated else hit

    if qualifier is None:
        if not present:
            return if_exists or negated
        if isinstance(context[key], (list, tuple)):
            raise UnsupportedPolicy(
                f"{key} is multivalued: use ForAnyValue: or ForAllValues: with {operator}"
            )
        return one(context[key])
    values = as_list(context.get(key))
    if not values:
        return if_exists or qualifier == "ForAllValues:"
    results = [one(v) for v in values]
    return all(results) if qualifier == "ForAllValues:" else any(results)


def conditions_hold(condition: Mapping[str, Mapping[str, Any]] | None, context: Mapping[str, Any]) -> bool:
    """Whether a Condition element holds for a request context whose keys are lower-case."""
    return all(
        _holds(operator, key.lower(), as_list(wanted), context)
        for operator, keys in (condition or {}).items()
        for key, wanted in keys.items()
    )
