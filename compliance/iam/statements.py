"""Policy statements: which actions, resources and principals a statement applies to.

An element and its `Not` form are exclusive; a `NotAction`/`NotResource` statement applies to
everything it does not list. A statement without `Resource` or `NotResource` (a trust policy) applies
to its resource. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from compliance.iam.patterns import matches, patterns_overlap


class UnsupportedPolicy(ValueError):
    """A policy element this evaluator does not model (policy variables, some operators): refusing
    beats guessing an access decision."""


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict]:
    """The statements of a policy document (an object, or JSON text as CloudFormation allows)."""
    if isinstance(document, str):
        document = json.loads(document)
    return as_list((document or {}).get("Statement"))


def _patterns(statement: dict, key: str) -> list[str]:
    patterns = as_list(statement.get(key))
    if not all(isinstance(p, str) for p in patterns):
        # A value CDK cannot resolve (a parameter, a condition) cannot be judged; cdk-nag reports it.
        raise ValueError(f"{key} is not a literal: {json.dumps(patterns)}")
    return patterns


def actions(statement: dict) -> list[str]:
    return _patterns(statement, "Action")


def covers(statement: dict, action: str) -> bool:
    """Whether the statement, whatever its effect, applies to this action or to some action of this
    pattern (`Action` or `NotAction`; actions are case-insensitive)."""
    if "NotAction" in statement:
        return not any(patterns_overlap(p, action) for p in _patterns(statement, "NotAction"))
    return any(patterns_overlap(p, action) for p in _patterns(statement, "Action"))


def _resources(statement: dict, key: str) -> list[str]:
    patterns = _patterns(statement, key)
    if any("${" in p for p in patterns):
        raise UnsupportedPolicy(f"policy variable in {key}: {patterns}")
    return patterns


def applies_to_resource(statement: dict, resource: str) -> bool:
    """ARNs compare case-sensitively; `*` in a resource may span `/` and `:`."""
    if "NotResource" in statement:
        return not any(matches(p, resource) for p in _resources(statement, "NotResource"))
    if "Resource" not in statement:
        return True
    return any(matches(p, resource) for p in _resources(statement, "Resource"))


class Grant(IntEnum):
    """How a resource-policy statement names the caller, weakest first.

    ACCOUNT delegates to the account's identity policies; ROLE and EVERYONE grant the role directly
    (within the account still capped by its permissions boundary); SESSION grants this role session
    directly, past the boundary. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
    """

    ACCOUNT = 1
    EVERYONE = 2
    ROLE = 3
    SESSION = 4


def _root(arn: str, account: str) -> str:
    """The account principal, in the partition of `arn`."""
    return f"arn:{arn.split(':')[1]}:iam::{account}:root"


def _aws_principals(element: Any) -> list[str] | None:
    """The `AWS` principals of a Principal element; None for `"*"` (everyone)."""
    if element == "*":
        return None
    aws = element.get("AWS") if isinstance(element, dict) else None
    return None if aws == "*" or aws == ["*"] else [str(p) for p in as_list(aws)]


def names(element: Any, *, account: str, role_arn: str, session_arn: str) -> Grant | None:
    """How a Principal element names the caller, if at all (service and federated principals never
    name a role). Principals take no wildcards but `"*"`.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    listed = _aws_principals(element)
    if listed is None:
        return Grant.EVERYONE
    accounts = (account, _root(role_arn, account))
    grants = [
        grant
        for principal in listed
        for grant, names_it in (
            (Grant.SESSION, principal == session_arn),
            (Grant.ROLE, principal == role_arn),
            (Grant.ACCOUNT, principal in accounts),
        )
        if names_it
    ]
    return max(grants, default=None)


def excludes(element: Any, *, account: str, session_arn: str) -> bool:
    """Whether a NotPrincipal element exempts the caller: a role session is exempt only when both its
    session ARN and its account are listed (the role's ARN alone does not exempt its sessions).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    listed = _aws_principals(element)
    if listed is None:
        return True
    return session_arn in listed and bool({account, _root(session_arn, account)} & set(listed))
