from __future__ import annotations

import re

from aws_cdk import aws_iam as iam
from cdk_nag import NagRuleCompliance

from cfn.values import join, renderer
from compliance.iam.statements import as_list, covers, statements
from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import refers_to, rendered_tags, resolved, stack_resources

APPROVAL_ACTION = "sagemaker:UpdateModelPackage"
COMPLIANCE_OFFICER_TAG = {"key": "persona", "value": "compliance-officer"}
# AWS managed policies that allow every SageMaker action, approval included.
BROAD_AWS_MANAGED_POLICIES = frozenset(
    {"AdministratorAccess", "PowerUserAccess", "AmazonSageMakerFullAccess"}
)
_AWS_MANAGED_ARN = re.compile(r":iam::aws:policy/(?:.*/)?([^/]+)$")


# A resolved ARN as text, intrinsics other than Fn::Join left out.
_text = renderer({"Fn::Join": join}, fallback=lambda _: "")


def _policies(role: iam.CfnRole) -> list:
    """The role's inline policies and the IAM::Policy / IAM::ManagedPolicy resources of its stack attached
    to it: by the policy's `Roles`, or by the role's `ManagedPolicyArns`."""
    name = resolved(role, "role_name")
    arns = as_list(resolved(role, "managed_policy_arns"))
    documents = [policy.get("policyDocument") for policy in resolved(role, "policies") or []]
    for policy in stack_resources(role, iam.CfnPolicy, iam.CfnManagedPolicy):
        by_policy = any(refers_to(each, role, name) for each in as_list(resolved(policy, "roles")))
        by_role = isinstance(policy, iam.CfnManagedPolicy) and any(refers_to(arn, policy) for arn in arns)
        if by_policy or by_role:
            documents.append(resolved(policy, "policy_document"))
    return documents


def _boundary(role: iam.CfnRole) -> list:
    """The role's permissions boundary, if it is a managed policy of its stack: its denies count too."""
    boundary = resolved(role, "permissions_boundary")
    return [
        resolved(policy, "policy_document")
        for policy in stack_resources(role, iam.CfnManagedPolicy)
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


def _broad_aws_managed(role: iam.CfnRole) -> bool:
    arns = as_list(resolved(role, "managed_policy_arns"))
    matches = (_AWS_MANAGED_ARN.search(_text(arn)) for arn in arns)
    return any(match and match.group(1) in BROAD_AWS_MANAGED_POLICIES for match in matches)


def can_approve(role: iam.CfnRole) -> bool:
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


def approval_only_by_compliance_officer(node: iam.CfnRole) -> NagRuleCompliance:
    """Segregation of duties: whoever trains, registers or deploys a model must not approve it. A role
    that may call sagemaker:UpdateModelPackage (which sets approval status) must be the compliance
    officer's, tagged `persona=compliance-officer`; tags applied by `Tags.of(...)` count, since CDK has
    applied them by the time validation runs."""
    if not can_approve(node):
        return NagRuleCompliance.NOT_APPLICABLE
    if COMPLIANCE_OFFICER_TAG in (rendered_tags(node) or []):
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="ApprovalOnlyByComplianceOfficer",
    applies_to=iam.CfnRole,
    check=approval_only_by_compliance_officer,
    info="An IAM role other than the compliance officer's may change model package approval status.",
    explanation="Remove sagemaker:UpdateModelPackage from the role or attach an unconditional Deny of it "
    "(e.g. the ApprovalGuard policy); only the role tagged persona=compliance-officer may approve.",
)
