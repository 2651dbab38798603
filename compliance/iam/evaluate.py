"""The decision AWS makes on one request: explicit deny, allow, or implicit deny.

How AWS decides (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):
1. An explicit Deny in any policy that applies (SCP, resource policy, identity policy, boundary) wins.
2. SCPs cap every principal of the account: each level (root, OU, account) must allow.
3. Same account: a resource policy that names the role session allows by itself; one that names the
   role (or everyone) allows within the permissions boundary; otherwise identity policies must allow,
   within the boundary. Key policies and role trust policies must allow, at least by naming the
   account (IAM policies alone never reach a KMS key or assume a role).
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
4. Cross account: the resource policy must allow the principal (or its account) and the principal's
   identity policies, within its boundary, must allow too.
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
A Deny with NotPrincipal denies every role that has a permissions boundary, whatever it lists.
Not modelled: session policies, RCPs, VPC endpoint policies, grants, ACLs, policy variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from compliance.iam.conditions import conditions_hold
from compliance.iam.statements import Grant, applies_to_resource, covers, excludes, names, statements


@dataclass(frozen=True)
class Principal:
    """A role (ARN with its path) with the policies attached to it."""

    arn: str
    identity: tuple[dict, ...] = ()
    boundary: dict | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    session_name: str = "session"

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def session_arn(self) -> str:
        partition, name = self.arn.split(":")[1], self.arn.rsplit("/", 1)[-1]
        return f"arn:{partition}:sts::{self.account}:assumed-role/{name}/{self.session_name}"


@dataclass(frozen=True)
class Resource:
    """The resource of a request, its account and its resource-based policy, if any.

    `policy_required`: the service ignores identity policies unless the resource policy admits the
    caller or its account (KMS key policies, role trust policies)."""

    arn: str
    account: str | None = None
    policy: dict | None = None
    policy_required: bool = False

    @property
    def owner(self) -> str | None:
        parts = self.arn.split(":")
        return self.account or (parts[4] if len(parts) > 4 else "") or None


@dataclass(frozen=True)
class Request:
    action: str
    resource: Resource
    context: Mapping[str, Any] = field(default_factory=dict)


class Outcome(Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit-deny"
    IMPLICIT_DENY = "implicit-deny"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


def request_context(principal: Principal, request: Request) -> dict[str, Any]:
    """The request's keys, lower-cased, over the global keys AWS always sets for a role session.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    context: dict[str, Any] = {
        "aws:principalarn": principal.arn,  # a role session's aws:PrincipalArn is the role's ARN
        "aws:principalaccount": principal.account,
        "aws:principaltype": "AssumedRole",
        "aws:securetransport": True,
        **{f"aws:principaltag/{k.lower()}": v for k, v in principal.tags.items()},
    }
    if request.resource.owner:
        context["aws:resourceaccount"] = request.resource.owner
    context.update({k.lower(): v for k, v in request.context.items()})
    return context


def _applies(statement: dict, request: Request, context: Mapping[str, Any]) -> bool:
    return (
        covers(statement, request.action)
        and applies_to_resource(statement, request.resource.arn)
        and conditions_hold(statement.get("Condition"), context)
    )


def _sid(statement: dict) -> str:
    return f"statement {statement['Sid']!r}" if statement.get("Sid") else "a statement without Sid"


def _grant(statement: dict, principal: Principal) -> Grant | None:
    """How a resource-policy statement names the caller; NotPrincipal applies to all it does not exempt."""
    if "NotPrincipal" in statement:
        exempt = principal.boundary is None and excludes(
            statement["NotPrincipal"], account=principal.account, session_arn=principal.session_arn
        )
        return None if exempt else Grant.EVERYONE
    return names(
        statement.get("Principal"),
        account=principal.account,
        role_arn=principal.arn,
        session_arn=principal.session_arn,
    )


def evaluate(principal: Principal, request: Request, *, scps: Sequence[dict] = ()) -> Decision:
    """Decide `request` by `principal`. `scps`: one document per level of the organization above the
    account (root, OUs, account), each the union of the SCPs attached there."""
    context = request_context(principal, request)
    resource_policy = statements(request.resource.policy)
    sources = [
        *(("SCP", s) for document in scps for s in statements(document)),
        *(("resource policy", s) for s in resource_policy if _grant(s, principal) is not None),
        *(("identity policy", s) for document in principal.identity for s in statements(document)),
        *(("permissions boundary", s) for s in statements(principal.boundary)),
    ]
    applicable = [(where, s) for where, s in sources if _applies(s, request, context)]
    for where, statement in applicable:
        if statement["Effect"] == "Deny":
            return Decision(Outcome.EXPLICIT_DENY, f"denied by {where} {_sid(statement)}")

    def allows(where: str) -> bool:
        return any(w == where and s["Effect"] == "Allow" for w, s in applicable)

    for level in scps:
        if not any(s["Effect"] == "Allow" and _applies(s, request, context) for s in statements(level)):
            return Decision(Outcome.IMPLICIT_DENY, "no SCP of the organization allows it")
    grants = [
        _grant(s, principal) for w, s in applicable if w == "resource policy" and s["Effect"] == "Allow"
    ]
    grant = max((g for g in grants if g is not None), default=None)
    within_boundary = principal.boundary is None or allows("permissions boundary")
    identity = allows("identity policy")
    if request.resource.owner not in (None, principal.account):
        if grant is None:
            return Decision(
                Outcome.IMPLICIT_DENY, "cross-account, and the resource policy does not allow the principal"
            )
    elif grant is Grant.SESSION or (grant in (Grant.ROLE, Grant.EVERYONE) and within_boundary):
        return Decision(Outcome.ALLOW, "allowed by the resource policy")
    elif request.resource.policy_required and grant is None:
        return Decision(
            Outcome.IMPLICIT_DENY, "the resource policy (key or trust policy) does not admit the principal"
        )
    if identity and within_boundary:
        return Decision(Outcome.ALLOW, "allowed by an identity policy within the boundary")
    if identity:
        return Decision(Outcome.IMPLICIT_DENY, "the permissions boundary does not allow it")
    return Decision(Outcome.IMPLICIT_DENY, "no identity policy allows it")
