"""Runs cfn-lint over every synthesized template, each against the region it deploys to.

cfn-lint costs about 0.15 s a template, and at 50 projects the app has over 200. Two things keep it
fast without linting less:
- a project's stacks are the same template for every project but for the project's name (a
  validated slug, whose lengths `platform_config/names.py` checks) and what CDK derives from it (the
  8-character hashes of unique ids, and asset hashes), so templates equal once those are masked are
  linted once, and a finding is reported for each of them;
- results are cached on disk by the template's text, region, cfn-lint version and ignored rules, so
  the tests and `make synth` lint the same template once (`.cache/cfn-lint/`, or CFN_LINT_CACHE;
  safe to delete);
- what is not cached is linted in one process per core, forked once the rules are loaded; and
  cfn-lint is imported only then (0.45 s), so a run the cache answers does not pay for it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from cfn.assembly import SynthesizedStack

if TYPE_CHECKING:
    from cfnlint.config import ConfigMixIn
    from cfnlint.rules import Match, Rules

# cfn-lint rules we do not apply, each with the reason.
IGNORED_RULES: dict[str, str] = {
    "W3005": "CDK's own custom-resource providers add a DependsOn that a GetAtt already implies; it is "
    "redundant, harmless, and not ours to change.",
}
CACHE = Path(
    os.environ.get("CFN_LINT_CACHE") or Path(__file__).resolve().parent.parent / ".cache" / "cfn-lint"
)
_MASK = "\x00project\x00"
# CDK's unique-id hashes (`...InvocationsPerInstanceEBE27E81`) and asset hashes (sha256, hex).
_DERIVED = re.compile(r"[0-9A-F]{8}\b|\b[0-9a-f]{64}\b")


@cache
def _config(region: str) -> ConfigMixIn:
    from cfnlint.config import ConfigMixIn, ManualArgs

    return ConfigMixIn(**ManualArgs(ignore_checks=list(IGNORED_RULES), regions=[region]))


@cache
def _rules(region: str) -> Rules:
    """cfn-lint's rules, loaded once per region: `cfnlint.api.lint` loads them again for every
    template (about half a second each), and given a `config` it lints against us-east-1 only."""
    from cfnlint.runner import Runner

    return Runner(_config(region)).rules


def lint_template(text: str, region: str) -> list[Match]:
    """cfn-lint's findings for one template, checked against the region it deploys to."""
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    template, errors = decode_str(text)
    if errors or template is None:
        return list(errors or [])
    return list(run_template_by_data(template, _config(region), _rules(region)))


def _cache_file(text: str, region: str) -> Path:
    key = hashlib.sha256(
        json.dumps([text, region, version("cfn-lint"), sorted(IGNORED_RULES)]).encode("utf-8")
    ).hexdigest()
    return CACHE / f"{key}.json"


def _lint_and_cache(text: str, region: str) -> list[str]:
    """`rule-id message (path)` per finding, kept in the cache for the next run."""
    found = [f"{m.rule.id} {m.message[:300]} ({m.path_string})" for m in lint_template(text, region)]
    CACHE.mkdir(parents=True, exist_ok=True)
    _cache_file(text, region).write_text(json.dumps(found), encoding="utf-8")
    return found


def _lint_all(templates: list[tuple[str, str]]) -> list[list[str]]:
    """Findings per (text, region): from the cache, else linted, in parallel when there is more than one."""
    results: dict[int, list[str]] = {}
    todo = []
    for i, (text, region) in enumerate(templates):
        cached = _cache_file(text, region)
        if cached.exists():
            results[i] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            todo.append(i)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        for region in {templates[i][1] for i in todo}:
            _rules(region)  # loaded before the fork, so every worker has them
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=fork) as pool:
            linted = pool.map(_lint_and_cache, *zip(*(templates[i] for i in todo), strict=True))
            results.update(zip(todo, linted, strict=True))
    else:
        results.update((i, _lint_and_cache(*templates[i])) for i in todo)
    return [results[i] for i in range(len(templates))]


def _project(stack: SynthesizedStack) -> str | None:
    """The project of a per-project stack (`<Kind>-<project>`, e.g. `Serving-churn`), else None."""
    _, _, project = stack.path.split("/", 1)[-1].partition("-")
    return project or None


def lint_stacks(stacks: list[SynthesizedStack]) -> list[str]:
    """One line per finding, naming the stack, the rule and the resource; empty when clean."""
    alike: defaultdict[tuple[str, str], list[tuple[SynthesizedStack, str]]] = defaultdict(list)
    for stack in stacks:
        text = stack.template_file.read_text(encoding="utf-8")
        project = _project(stack)
        masked = _DERIVED.sub(_MASK, text.replace(project, _MASK)) if project else text
        alike[(masked, stack.region)].append((stack, text))
    found = _lint_all([(members[0][1], region) for (_, region), members in alike.items()])
    findings: list[str] = []
    for members, results in zip(alike.values(), found, strict=True):
        first = _project(members[0][0])
        for stack, _ in members:
            project = _project(stack)
            for finding in results:
                named = finding.replace(first, project) if first and project else finding
                findings.append(f"{stack.name}: {named}")
    return findings
