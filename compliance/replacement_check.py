"""A validation plugin that fails synthesis when a later deployment with other parameter values would
fail: a resource with a fixed name whose create-only properties depend on a parameter (CloudFormation
must replace it then, and cannot replace a custom-named resource). It runs `cfn.updates` over
every template CDK synthesizes, and reports resource types it cannot check rather than pass them.

Acknowledge a finding like a nag finding: `Acknowledgment(id="ReplacementSafety::<rule>", reason=..)`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

from cfn.updates import Replacement, unsafe_names

PLUGIN_NAME = "ReplacementSafety"
FIXED_NAME = "FixedNameBlocksReplacement"
UNKNOWN_TYPE = "UnknownResourceType"


@jsii.implements(IPolicyValidationPlugin)
class ReplacementCheck:
    """Registered beside the nag packs: `Validations.of(app).add_plugins(ReplacementCheck())`.

    `IPolicyValidationPlugin` rather than the deprecated `...Beta1`: `add_plugins` takes it, and its
    context gives each stack's region, whose provider schemas apply.
    """

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def rule_ids(self) -> list[str]:
        return [FIXED_NAME, UNKNOWN_TYPE]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        violations = []
        for stack in context.stack_templates:
            template = json.loads(Path(stack.template_path).read_text(encoding="utf-8"))
            unsafe, unknown = unsafe_names(template, stack.region)
            violations += [_fixed_name(stack.template_path, replacement) for replacement in unsafe]
            violations += [_unknown(stack.template_path, i, t, stack.region) for i, t in unknown.items()]
        return PolicyValidationPluginReport(success=not violations, violations=violations)


def _fixed_name(template_path: str, r: Replacement) -> PolicyViolation:
    through = "" if r.cause == r.parameter else f" (through {r.cause}, which is replaced)"
    return PolicyViolation(
        rule_name=FIXED_NAME,
        severity="error",
        description=(
            f"{r.type_name} {r.logical_id} has the fixed {r.fixed_name}, but its create-only {r.property} "
            f"depends on parameter {r.parameter}{through}: a deployment that changes it must replace the "
            "resource, which CloudFormation refuses for a custom name"
        ),
        fix=(
            f"let CloudFormation generate the name: do not set {r.fixed_name} "
            "(refer to the resource by Ref or GetAtt)"
        ),
        violating_resources=[_resource(template_path, r.logical_id, f"Properties/{r.fixed_name}")],
    )


def _unknown(template_path: str, logical_id: str, type_name: str, region: str | None) -> PolicyViolation:
    return PolicyViolation(
        rule_name=UNKNOWN_TYPE,
        severity="error",
        description=(
            f"{type_name} {logical_id}: no provider schema for this type (region {region or 'unknown'}) "
            "among those cfn-lint bundles, so whether a parameter change replaces it is not checked"
        ),
        fix=(
            f"use a registered type or a cfn-lint that knows it; else acknowledge {PLUGIN_NAME}::{UNKNOWN_TYPE} "
            "on the construct, saying why an update cannot need its replacement"
        ),
        violating_resources=[_resource(template_path, logical_id, "Type")],
    )


def _resource(template_path: str, logical_id: str, location: str) -> PolicyViolatingResource:
    return PolicyViolatingResource(
        resource_logical_id=logical_id, template_path=template_path, locations=[location]
    )
