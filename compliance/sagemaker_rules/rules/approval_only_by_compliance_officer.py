from __future__ import annotations

import re

from cfn.values import join, renderer
from compliance.iam.statements import as_list, covers, statements
from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource, refers_to

APPROVAL_ACTION = "sagemaker:UpdateModelPackage"
COMPLIANCE_OFFICER_TAG = ("persona", "compliance-officer")
POLICY, MANAGED_POLICY = "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"
# AWS managed policies that allow every SageMaker action, approval included.
BROAD_AWS_MANAGED_POLICIES = frozenset(
    {"AdministratorAccess", "PowerUserAccess", "AmazonSageMakerFullAccess"}
)
_AWS_MANAGED_ARN = re.compile(r":iam::aws:policy/(?:.*/)?([^/]+)$")


# An ARN in the template as text, intrinsics other than Fn::Join left out.
_text = renderer({"Fn::Join": join}, fallback=lambda _: "")


def _policies(role: Resource) -> list:
    """The role's inline policies and the IAM::Policy / IAM::ManagedPolicy resources of its stack attached
    to it: by the policy's `Roles`, or by the role's `ManagedPolicyArns`."""
    name = role.get("RoleName")
    arns = as_list(role.get("ManagedPolicyArns"))
    documents = [policy.get("PolicyDocument") for policy in role.get("Policies") or []]
    for policy in role.stack.of_type(POLICY, MANAGED_POLICY):
        by_policy = any(refers_to(each, role, name) for each in as_list(policy.get("Roles")))
        by_role = policy.type == MANAGED_POLICY and any(refers_to(arn, policy) for arn in arns)
        if by_policy or by_role:
            documents.append(policy.get("PolicyDocument"))
    return documents


def _boundary(role: Resource) -> list:
    """The role's permissions boundary, if it is a managed policy of its stack: its denies count too."""
    boundary = role.get("PermissionsBoundary")
    return [
        policy.get("PolicyDocument")
        for policy in role.stack.of_type(MANAGED_POLICY)
        if boundary is not None and refers_to(boundary, policy)
    ]


def _denies_approval(statement: dict) -> bool:
    """Only a Deny without conditions, on every resource, rules approval out whatever else allows it."""
    return (
        statement.get("Effect") == "Deny"
        and "Condition" not in statement
        and "*" in as_list(statement.get("Resource"))
        and covers(statement, APPROVAL_ACTION)
    )


def _without_approval_status(statement: dict) -> bool:
    """An Allow conditioned on `sagemaker:ModelApprovalStatus` being absent from the request cannot set
    an approval status (e.g. the promotion steps' lifecycle stages): IAM's Null operator, "true"."""
    null = (statement.get("Condition") or {}).get("Null") or {}
    return str(null.get("sagemaker:ModelApprovalStatus", "")).lower() == "true"


def _broad_aws_managed(role: Resource) -> bool:
    arns = as_list(role.get("ManagedPolicyArns"))
    matches = (_AWS_MANAGED_ARN.search(_text(arn)) for arn in arns)
    return any(match and match.group(1) in BROAD_AWS_MANAGED_POLICIES for match in matches)


def can_approve(role: Resource) -> bool:
    """Whether the role may change a model package's approval status, as far as its stack shows."""
    policies = _policies(role)
    allowed = _broad_aws_managed(role) or any(
        statement.get("Effect") == "Allow"
        and covers(statement, APPROVAL_ACTION)
        and not _without_approval_status(statement)
        for document in policies
        for statement in statements(document)
    )
    denied = any(
        _denies_approval(statement)
        for document in [*policies, *_boundary(role)]
        for statement in statements(document)
    )
    return allowed and not denied


def approval_only_by_compliance_officer(node: Resource) -> Compliance:
    """Segregation of duties: whoever trains, registers or deploys a model must not approve it. A role
    that may call sagemaker:UpdateModelPackage (which sets approval status) must be the compliance
    officer's, tagged `persona=compliance-officer`; tags applied by `Tags.of(...)` count, since the
    template holds the tags CDK rendered."""
    if not can_approve(node):
        return Compliance.NOT_APPLICABLE
    if node.tagged(*COMPLIANCE_OFFICER_TAG):
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="ApprovalOnlyByComplianceOfficer",
    applies_to="AWS::IAM::Role",
    check=approval_only_by_compliance_officer,
    info="An IAM role other than the compliance officer's may change model package approval status.",
    explanation="Remove sagemaker:UpdateModelPackage from the role or attach an unconditional Deny of it "
    "(e.g. the ApprovalGuard policy); only the role tagged persona=compliance-officer may approve.",
)
