"""IAM policy documents as the rules need them: statements, and action patterns compared as IAM does
(case-insensitive, `*` any run of characters, `?` one character)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from compliance.sagemaker_rules.template import as_list


def statements(document: Any) -> list[dict]:
    """The statements of a resolved policy document (an object, or JSON text as CloudFormation allows)."""
    if isinstance(document, str):
        document = json.loads(document)
    return as_list((document or {}).get("Statement"))


def patterns_overlap(a: str, b: str) -> bool:
    """Whether some action matches both patterns; for a plain action name, whether the pattern matches it."""
    a, b = a.lower(), b.lower()

    @cache
    def overlap(i: int, j: int) -> bool:
        if i == len(a) or j == len(b):
            return set(a[i:] + b[j:]) <= {"*"}
        x, y = a[i], b[j]
        if "*" in (x, y):  # a star matches nothing more, or takes the other pattern's next character
            return (x == "*" and (overlap(i + 1, j) or overlap(i, j + 1))) or (
                y == "*" and (overlap(i, j + 1) or overlap(i + 1, j))
            )
        return (x == y or "?" in (x, y)) and overlap(i + 1, j + 1)

    return overlap(0, 0)


def _patterns(statement: dict, key: str) -> list[str]:
    patterns = as_list(statement.get(key))
    if not all(isinstance(p, str) for p in patterns):
        # An action CDK cannot resolve (a parameter, a condition) cannot be judged; cdk-nag reports it.
        raise ValueError(f"{key} is not a literal: {json.dumps(patterns)}")
    return patterns


def covers(statement: dict, action: str) -> bool:
    """Whether the statement, whatever its effect, applies to this action (`Action` or `NotAction`)."""
    if "NotAction" in statement:
        return not any(patterns_overlap(p, action) for p in _patterns(statement, "NotAction"))
    return any(patterns_overlap(p, action) for p in _patterns(statement, "Action"))


def actions(statement: dict) -> list[str]:
    return _patterns(statement, "Action")
