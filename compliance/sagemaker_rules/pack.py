"""The `SageMaker` pack: a CDK validation plugin over the synthesized templates, whose rules live in
`rules/`.

Register it beside the cdk-nag packs: `Validations.of(app).add_plugins(SageMakerChecks())`. CDK calls
`validate` once, with every stack's template file, and the rules read plain JSON: one call from jsii's
Node.js process for the whole app, where a cdk-nag pack is called for every resource and reads its
properties through jsii again and again.

Findings are `SageMaker-<Rule>`, each naming a resource by its template and logical id; CDK maps that
to the resource's construct and honours an acknowledgment on it or on any scope above it:
`Validations.of(construct).acknowledge(Acknowledgment(id="SageMaker::SageMaker-<Rule>", reason=...))`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.rules import RULES
from compliance.sagemaker_rules.template import StackTemplate

PACK_NAME = "SageMaker"


def rule_id(rule: Rule) -> str:
    return f"{PACK_NAME}-{rule.name}"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    logical_id: str
    error: str | None = None  # why the rule could not judge the resource, which is then reported

    @property
    def description(self) -> str:
        return self.rule.info + (f" (the rule could not judge it: {self.error})" if self.error else "")


def findings(stack: StackTemplate) -> list[Finding]:
    """Every rule's findings in one stack, in the order of `RULES`. A resource a rule cannot judge (a
    policy element that is not a literal, a property of an unexpected shape) is reported, never passed."""
    found = []
    for rule in RULES:
        for resource in stack.of_type(rule.applies_to):
            try:
                if rule.check(resource) is Compliance.NON_COMPLIANT:
                    found.append(Finding(rule, resource.logical_id))
            except Exception as error:
                found.append(Finding(rule, resource.logical_id, f"{type(error).__name__}: {error}"))
    return found


@jsii.implements(IPolicyValidationPlugin)
class SageMakerChecks:
    """Checks the Studio network mode, endpoint encryption and monitoring, and registry duties."""

    @property
    def name(self) -> str:
        return PACK_NAME

    @property
    def rule_ids(self) -> list[str]:
        return [rule_id(rule) for rule in RULES]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        # One violation per rule and description, naming every resource it reports, as cdk-nag groups them.
        grouped: dict[tuple[Rule, str], list[PolicyViolatingResource]] = defaultdict(list)
        for stack in context.stack_templates:
            template = json.loads(Path(stack.template_path).read_text(encoding="utf-8"))
            for finding in findings(StackTemplate.of(stack.stack_construct_path, template)):
                grouped[finding.rule, finding.description].append(
                    PolicyViolatingResource(
                        resource_logical_id=finding.logical_id,
                        template_path=stack.template_path,
                        locations=["Properties"],
                    )
                )
        violations = [
            PolicyViolation(
                rule_name=rule_id(rule),
                severity="error",
                description=description,
                fix=rule.explanation,
                violating_resources=found,
            )
            for (rule, description), found in sorted(
                grouped.items(), key=lambda item: RULES.index(item[0][0])
            )
        ]
        return PolicyValidationPluginReport(success=not violations, violations=violations)
