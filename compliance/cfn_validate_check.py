"""CloudFormation's own template validator, run natively: the check CDK's built-in validation runs,
at a fraction of its cost.

aws-cdk-lib runs AWS's `cloudformation-validate` on every template it synthesizes, compiled to
WebAssembly inside jsii's Node.js process: 1.8 s of a 1-project synthesis on the build machine and
about 5 s at 50 projects. The same engine ships as a native Python wheel; pinned to the release
aws-cdk-lib bundles and configured as CDK configures it (its rules, the `STANDARD` detail level,
findings from `WARN` up, the rules and the AutoScaling exclusion CDK leaves out, each stack's account
and region as pseudo parameters), it checks each template in 10-15 ms, on every core at once. The app turns the built-in
off (`App(builtin_cloud_formation_validation=False)`) and registers this plugin under the built-in's
name, so its findings fail synthesis, read, and are acknowledged as before:
`Acknowledgment(id="CloudFormation-Validate::<rule>", reason=...)`.

Not carried over: the Rego rules aws-cdk-lib adds of its own (`core/lib/validation/rules/*.rego`),
which concern only resource types the platform does not use; `tests/test_cfn_validate_check.py`
fails if a release adds one for a type the templates contain, or if the pinned engine and the
bundled one drift apart.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache

import cloudformation_validate as cfv
import jsii
from aws_cdk import (
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
)

PLUGIN_NAME = "CloudFormation Validate"
# What aws-cdk-lib 2.275's CloudFormationValidatePlugin excludes (IGNORE_RULES), with its reason there:
# rules that CDK's own output trips by design.
CDK_EXCLUDED_RULES = ("W3005", "W1020", "E1018", "W9002", "W9013", "W1103")
_SEVERITY = {
    cfv.Severity.FATAL: "error",
    cfv.Severity.ERROR: "error",
    cfv.Severity.WARN: "warning",
    cfv.Severity.INFO: "informational",
    cfv.Severity.DEBUG: "debug",
}


@cache
def start_engine() -> Future[cfv.CompositeEngine]:
    """Compiles the rules, once per process: about 0.2 s of native code that releases the GIL, on a
    thread of its own, so that it overlaps building the app (`new_app` starts it)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="cfn-validate-engine")
    compiled = pool.submit(cfv.CompositeEngine)
    pool.shutdown(wait=False)
    return compiled


def _engine() -> cfv.CompositeEngine:
    return start_engine().result()


def validate_template(template_path: str, account_id: str | None, region: str | None) -> list[cfv.Diagnostic]:
    """The engine's findings for one template, as CDK's built-in validation asks for them."""
    config = cfv.ValidateConfig(
        detail_level=cfv.DetailLevel.STANDARD,
        severity_level=cfv.Severity.WARN,
        pseudo_parameter_overrides=cfv.PseudoParameterOverrides(account_id=account_id, region=region),
        exclude=cfv.RuleFilterConfig(
            ids=list(CDK_EXCLUDED_RULES),
            services=[cfv.ServiceFilter(rule_id="W3697", service="AWS::AutoScaling")],
        ),
    )
    return list(_engine().validate_template(template_path, config).diagnostics)


@jsii.implements(IPolicyValidationPlugin)
class CloudFormationValidateCheck:
    """Registered beside the nag packs: `Validations.of(app).add_plugins(CloudFormationValidateCheck())`."""

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return cfv.version()

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in _engine().list_rules() if rule.id not in CDK_EXCLUDED_RULES]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        stacks = [
            (s.template_path, s.account_id, s.region, s.stack_construct_path) for s in context.stack_templates
        ]
        # The engine is native and releases the GIL: one thread per core checks the templates.
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            diagnostics = pool.map(lambda stack: validate_template(*stack[:3]), stacks)
            checked = list(zip(stacks, diagnostics, strict=True))
        found: dict[tuple[str, str, str], tuple[cfv.Diagnostic, list[PolicyViolatingResource]]] = {}
        for (template_path, _, _, stack_path), stack_diagnostics in checked:
            for diagnostic in stack_diagnostics:
                resource = _resource(diagnostic, template_path, stack_path)
                found.setdefault(_key(diagnostic), (diagnostic, []))[1].append(resource)
        violations = [_violation(key, d, resources) for key, (d, resources) in found.items()]
        return PolicyValidationPluginReport(
            success=all(v.severity != "error" for v in violations), violations=violations
        )


def _description(diagnostic: cfv.Diagnostic) -> str:
    path = diagnostic.property_path
    return f"{path.removeprefix('Properties.')}: {diagnostic.message}" if path else diagnostic.message


def _key(diagnostic: cfv.Diagnostic) -> tuple[str, str, str]:
    """CDK reports one violation per rule, severity and description, listing every resource it concerns."""
    return (diagnostic.rule_id, _SEVERITY[diagnostic.severity], _description(diagnostic))


def _resource(diagnostic: cfv.Diagnostic, template_path: str, stack_path: str) -> PolicyViolatingResource:
    """The resource a finding concerns; a finding outside Resources names the stack, as CDK's does."""
    entity = diagnostic.entity
    logical_id = entity.logical_id if entity and entity.entity_type == cfv.EntityType.RESOURCE else None
    return PolicyViolatingResource(
        template_path=template_path,
        resource_logical_id=logical_id,
        construct_path=None if logical_id else stack_path,
        locations=[diagnostic.property_path] if diagnostic.property_path else [],
    )


def _violation(
    key: tuple[str, str, str], diagnostic: cfv.Diagnostic, resources: list[PolicyViolatingResource]
) -> PolicyViolation:
    rule, severity, description = key
    return PolicyViolation(
        rule_name=rule,
        description=description,
        severity=severity,
        fix=diagnostic.suggested_fix,
        violating_resources=resources,
        rule_metadata={"category": diagnostic.category} if diagnostic.category else None,
    )
