"""Runs cfn-lint over every synthesized template, each against the region it deploys to."""

from __future__ import annotations

from cfnlint.api import lint
from cfnlint.config import ManualArgs

from cfn.assembly import SynthesizedStack

# cfn-lint rules we do not apply, each with the reason.
IGNORED_RULES: dict[str, str] = {
    "W3005": "CDK's own custom-resource providers add a DependsOn that a GetAtt already implies; it is "
    "redundant, harmless, and not ours to change.",
}


def lint_stacks(stacks: list[SynthesizedStack]) -> list[str]:
    """One line per finding, naming the stack, the rule and the resource; empty when clean."""
    findings: list[str] = []
    for stack in stacks:
        matches = lint(
            stack.template_file.read_text(encoding="utf-8"),
            regions=[stack.region],
            config=ManualArgs(ignore_checks=list(IGNORED_RULES)),
        )
        findings += [
            f"{stack.name}: {match.rule.id} {match.message[:300]} ({match.path_string})" for match in matches
        ]
    return findings
