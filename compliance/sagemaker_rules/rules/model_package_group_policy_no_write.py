from __future__ import annotations

from compliance.iam.patterns import patterns_overlap
from compliance.iam.statements import actions, statements
from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource

# Action families that change or remove what the registry holds, approval status included.
WRITE_ACTIONS = ("sagemaker:Update*", "sagemaker:Delete*", "sagemaker:Put*")


def _allows_write(statement: dict) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:  # allows everything it does not list: treat it as allowing writes
        return True
    return any(patterns_overlap(action, write) for action in actions(statement) for write in WRITE_ACTIONS)


def model_package_group_policy_no_write(node: Resource) -> Compliance:
    """The group policy is how other accounts reach the registry; if it let anyone update, delete or
    re-policy packages, approval would no longer rest with dev's compliance officer. Any Allow whose
    action pattern could match such an action (`sagemaker:*`, `*`, `sagemaker:U*` ...) fails, for any
    principal."""
    document = node.get("ModelPackageGroupPolicy")
    if document is None:
        return Compliance.NOT_APPLICABLE
    if any(_allows_write(statement) for statement in statements(document)):
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT


RULE = Rule(
    name="ModelPackageGroupPolicyNoWrite",
    applies_to="AWS::SageMaker::ModelPackageGroup",
    check=model_package_group_policy_no_write,
    info="The model package group policy allows sagemaker:Update*, Delete* or Put* actions.",
    explanation="Grant other accounts only read and use actions (e.g. sagemaker:DescribeModelPackage, "
    "ListModelPackages, CreateModel); approval and deletion stay with the registry's own account.",
)
