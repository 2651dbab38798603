"""The `SageMaker` pack: a cdk-nag 3 validation plugin whose rules live in `rules/`.

Register it like the bundled packs: `Validations.of(app).add_plugins(SageMakerChecks(app))`.
Findings are `SageMaker-<Rule>`; acknowledge one with
`Validations.of(construct).acknowledge(Acknowledgment(id="SageMaker::SageMaker-<Rule>", reason=...))`.
"""

from __future__ import annotations

import jsii
from aws_cdk import CfnResource
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance
from constructs import IConstruct

from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.rules import RULES

PACK_NAME = "SageMaker"


@jsii.implements(IApplyRule)
class _AppliedRule:
    """A rule applied to one node, as cdk-nag's `applyRule` takes it.

    jsii sees only class-level properties of a Python object, never instance attributes.
    """

    def __init__(self, rule: NagRule, node: CfnResource) -> None:
        self._rule = rule
        self._node = node

    @property
    def node(self) -> CfnResource:
        return self._node

    @property
    def rule_suffix_override(self) -> str:
        return self._rule.name

    @property
    def info(self) -> str:
        return self._rule.info

    @property
    def explanation(self) -> str:
        return self._rule.explanation

    @property
    def level(self) -> NagMessageLevel:
        return NagMessageLevel.ERROR

    def rule(self, node: CfnResource) -> NagRuleCompliance:
        return self._rule.check(node)


class SageMakerChecks(NagPack):
    """Checks the Studio network mode, endpoint encryption and monitoring, and registry duties."""

    def __init__(self, scope: IConstruct | None = None, **props) -> None:
        super().__init__(scope, **props)
        self._pack_name = PACK_NAME

    @property
    def name(self) -> str:
        return PACK_NAME

    def _check_resource(self, node: CfnResource) -> None:
        # Filtering here, in Python, spares a jsii round trip per rule for every other resource.
        for rule in RULES:
            if isinstance(node, rule.applies_to):
                self._apply_rule(_AppliedRule(rule, node))
