"""Matches EventBridge patterns against events, for the pattern features this platform uses:
literal lists, `prefix`, and nesting. (moto's `test_event_pattern` is a stub that matches nothing.)"""

from __future__ import annotations


def _value_matches(condition, value) -> bool:
    if isinstance(condition, dict) and "prefix" in condition:
        return isinstance(value, str) and value.startswith(condition["prefix"])
    return condition == value


def matches(pattern: dict, event: dict) -> bool:
    for key, condition in pattern.items():
        if key not in event:
            return False
        value = event[key]
        if isinstance(condition, dict):
            if not isinstance(value, dict) or not matches(condition, value):
                return False
        elif not any(_value_matches(c, value) for c in condition):
            return False
    return True
