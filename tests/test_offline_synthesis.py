"""`cdk synth` must need no AWS call: the CLI fails a synthesis whose assembly asks for context (an
availability-zone lookup, say), while an in-process synthesis silently fills in dummy values, so the
in-process tests would pass a platform the README's main job cannot synthesize."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import App, Environment, Stack


def missing_context(outdir: Path) -> list[str]:
    """The context keys every manifest of the assembly (nested stage assemblies too) asks the CLI for."""
    return [
        entry["key"]
        for manifest in sorted(outdir.rglob("manifest.json"))
        for entry in json.loads(manifest.read_text(encoding="utf-8")).get("missing", [])
    ]


def test_the_platform_asks_for_no_context_lookup(example_outdir):
    assert missing_context(example_outdir) == []


def test_a_stack_that_reads_its_zones_unconfigured_is_caught(tmp_path):
    """Negative control: the default `Stack.availability_zones` of an env-bound stack is a lookup (as
    the network stack's was, before it returned the configured zones)."""
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Zones", env=Environment(account="111111111111", region="eu-west-1"))
    assert stack.availability_zones == ["dummy1a", "dummy1b", "dummy1c"]
    app.synth()
    assert missing_context(tmp_path) == ["availability-zones:account=111111111111:region=eu-west-1"]
