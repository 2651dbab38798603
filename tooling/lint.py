"""Runs cfn-lint over every synthesized template, each against the region it deploys to."""

from __future__ import annotations

from functools import cache

from cfnlint.config import ConfigMixIn, ManualArgs
from cfnlint.decode.decode import decode_str
from cfnlint.rules import Match, Rules
from cfnlint.runner import Runner, run_template_by_data

from cfn.assembly import SynthesizedStack

# cfn-lint rules we do not apply, each with the reason.
IGNORED_RULES: dict[str, str] = {
    "W3005": "CDK's own custom-resource providers add a DependsOn that a GetAtt already implies; it is "
    "redundant, harmless, and not ours to change.",
}


@cache
def _config(region: str) -> ConfigMixIn:
    return ConfigMixIn(**ManualArgs(ignore_checks=list(IGNORED_RULES), regions=[region]))


@cache
def _rules(region: str) -> Rules:
    """cfn-lint's rules, loaded once per region: `cfnlint.api.lint` loads them again for every
    template (about half a second each), and given a `config` it lints against us-east-1 only."""
    return Runner(_config(region)).rules


def lint_template(text: str, region: str) -> list[Match]:
    """cfn-lint's findings for one template, checked against the region it deploys to."""
    template, errors = decode_str(text)
    if errors or template is None:
        return list(errors or [])
    return list(run_template_by_data(template, _config(region), _rules(region)))


def lint_stacks(stacks: list[SynthesizedStack]) -> list[str]:
    """One line per finding, naming the stack, the rule and the resource; empty when clean."""
    findings: list[str] = []
    for stack in stacks:
        matches = lint_template(stack.template_file.read_text(encoding="utf-8"), stack.region)
        findings += [
            f"{stack.name}: {match.rule.id} {match.message[:300]} ({match.path_string})" for match in matches
        ]
    return findings
