from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.iam.patterns import patterns_overlap
from compliance.iam.statements import actions, statements
from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import resolved

# Action families that change or remove what the registry holds, approval status included.
WRITE_ACTIONS = ("sagemaker:Update*", "sagemaker:Delete*", "sagemaker:Put*")


def _allows_write(statement: dict) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:  # allows everything it does not list: treat it as allowing writes
        return True
    return any(patterns_overlap(action, write) for action in actions(statement) for write in WRITE_ACTIONS)


def model_package_group_policy_no_write(node: sagemaker.CfnModelPackageGroup) -> NagRuleCompliance:
    """The group policy is how other accounts reach the registry; if it let anyone update, delete or
    re-policy packages, approval would no longer rest with dev's compliance officer. Any Allow whose
    action pattern could match such an action (`sagemaker:*`, `*`, `sagemaker:U*` ...) fails, for any
    principal."""
    document = resolved(node, "model_package_group_policy")
    if document is None:
        return NagRuleCompliance.NOT_APPLICABLE
    if any(_allows_write(statement) for statement in statements(document)):
        return NagRuleCompliance.NON_COMPLIANT
    return NagRuleCompliance.COMPLIANT


RULE = NagRule(
    name="ModelPackageGroupPolicyNoWrite",
    applies_to=sagemaker.CfnModelPackageGroup,
    check=model_package_group_policy_no_write,
    info="The model package group policy allows sagemaker:Update*, Delete* or Put* actions.",
    explanation="Grant other accounts only read and use actions (e.g. sagemaker:DescribeModelPackage, "
    "ListModelPackages, CreateModel); approval and deletion stay with the registry's own account.",
)
