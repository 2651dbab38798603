"""Wildcard patterns as IAM compares them: `*` any run of characters (none included), `?` exactly one;
nothing else is special (unlike fnmatch, `[` is a plain character). Actions compare case-insensitively,
ARNs and condition values case-sensitively.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re
from functools import cache


@cache
def _regex(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE)


def matches(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """Whether `value` (taken literally) matches the wildcard `pattern`."""
    return _regex(pattern, case_sensitive).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return matches(pattern, action, case_sensitive=False)


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnEquals/ArnLike: each of the six colon-separated parts is matched on its own, so a `*` never
    spans a colon. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
    """
    parts, wanted = arn.split(":", 5), pattern.split(":", 5)
    return len(parts) == len(wanted) == 6 and all(map(matches, wanted, parts))


def patterns_overlap(a: str, b: str, *, case_sensitive: bool = False) -> bool:
    """Whether some string matches both patterns; for a literal, whether the other pattern matches it."""
    if not case_sensitive:
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
