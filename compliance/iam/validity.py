"""Statements IAM accepts but never matches as written, found with the service authorization reference.

IAM does not reject a policy whose actions, resources or condition keys cannot meet: it stores it and
never applies it (or, for a Deny with a negated condition, always applies it). Each check names one way
that happens:

- `unknown-action`: no such action (or no action fits the pattern).
- `resource-star-only`: the action has no resource types, so only `"Resource": "*"` matches it.
- `resource-type`: no resource of the statement is an ARN of a type the action is authorized on.
- `condition-key`: the action never carries the condition key (a global key or one the reference lists
  for it), so the condition is always false (or, negated, always true); `...IfExists` says that is meant.
- `grant-for-aws-resource`: an identity policy allows `kms:CreateGrant` without
  `"Bool": {"kms:GrantIsForAWSResource": "true"}`, letting the caller hand out key use to anyone
  rather than only to AWS services acting for it.
  https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource

Resource ARNs are compared with the reference's ARN formats by wildcard overlap, each `${...}` in a
format standing for any text: a type is told apart by its service and resource prefix, not finer.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.iam.conditions import SET_OPERATORS
from compliance.iam.patterns import patterns_overlap
from compliance.iam.reference import GLOBAL_CONDITION_KEYS, Action, key_supported, reference
from compliance.iam.statements import as_list, covers, statements

CHECKS = ("unknown-action", "resource-star-only", "resource-type", "condition-key", "grant-for-aws-resource")
_GLOBAL = frozenset(GLOBAL_CONDITION_KEYS)


@dataclass(frozen=True)
class Finding:
    check: str
    policy: str
    sid: str | None
    detail: str

    def __str__(self) -> str:
        return f"{self.policy} {self.sid or '(no Sid)'}: {self.check}: {self.detail}"


def _literal(action: str) -> bool:
    return "*" not in action and "?" not in action


def _fits(resource: str, actions: tuple[Action, ...]) -> bool:
    return any(
        patterns_overlap(resource, f, case_sensitive=True) for a in actions for f in a.resource_formats
    )


def _unknown(entries: dict[str, tuple[Action, ...]]) -> list[str]:
    return [f"{name} is not an action" for name, found in entries.items() if not found and name != "*"]


def _resources(entries: dict[str, tuple[Action, ...]], resources: list[str]) -> list[tuple[str, str]]:
    problems = []
    scoped = [r for r in resources if r != "*"]
    for name, found in entries.items():
        if not _literal(name) or not found or not scoped or "*" in resources:
            continue
        (action,) = found
        if not action.resource_formats:
            problems.append(
                (
                    "resource-star-only",
                    f'{action.name} has no resource types: only "Resource": "*" matches it',
                )
            )
        elif not any(_fits(r, found) for r in scoped):
            problems.append(
                (
                    "resource-type",
                    f"{action.name} is authorized on {sorted(action.resource_formats)}, none listed",
                )
            )
    return problems


def _condition_keys(entries: dict[str, tuple[Action, ...]], condition: dict) -> list[str]:
    problems = []
    for operator, keys in condition.items():
        if operator.removeprefix(next((q for q in SET_OPERATORS if operator.startswith(q)), "")).endswith(
            "IfExists"
        ):
            continue
        for key in keys:
            if key_supported(key, _GLOBAL):
                continue
            for name, found in entries.items():
                supported = frozenset(k for a in found for k in a.condition_keys)
                if found and not key_supported(key, supported):
                    problems.append(f"{name} never carries {key} ({operator})")
    return problems


def _grants_only_for_aws_resources(statement: dict) -> bool:
    values = {k.lower(): v for k, v in statement.get("Condition", {}).get("Bool", {}).items()}
    return str(values.get("kms:grantisforawsresource", "")).lower() == "true"


def check(label: str, document: dict, *, identity: bool) -> list[Finding]:
    """Every finding of every check for one policy document (`identity`: an identity policy or a
    permissions boundary, rather than a resource policy)."""
    found: list[Finding] = []
    for statement in statements(document):
        sid = statement.get("Sid")
        names = as_list(statement.get("Action") or statement.get("NotAction"))
        entries = {name: reference().actions(name) for name in names}
        found += [Finding("unknown-action", label, sid, d) for d in _unknown(entries)]
        if "NotAction" in statement:
            continue
        if "Resource" in statement:
            found += [
                Finding(c, label, sid, d) for c, d in _resources(entries, as_list(statement["Resource"]))
            ]
        found += [
            Finding("condition-key", label, sid, d)
            for d in _condition_keys(entries, statement.get("Condition", {}))
        ]
        if (
            identity
            and statement["Effect"] == "Allow"
            and covers(statement, "kms:CreateGrant")
            and not _grants_only_for_aws_resources(statement)
        ):
            found.append(
                Finding(
                    "grant-for-aws-resource",
                    label,
                    sid,
                    "kms:CreateGrant without kms:GrantIsForAWSResource",
                )
            )
    return found
