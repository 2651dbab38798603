"""Reads a synthesized cloud assembly (`cdk.out`) as plain JSON: which stacks, where, which template."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SynthesizedStack:
    stage: str
    name: str  # the CloudFormation stack name, e.g. "dev-Billing"
    path: str  # the construct path, e.g. "dev/Billing"
    account: str
    region: str
    template_file: Path

    @cached_property
    def template(self) -> dict:
        return json.loads(self.template_file.read_text(encoding="utf-8"))

    def resources(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(logical id, properties) of each resource of these types, in template order."""
        for logical_id, resource in self.template.get("Resources", {}).items():
            if resource["Type"] in types:
                yield logical_id, resource.get("Properties", {})


def read_assembly(outdir: str | Path) -> list[SynthesizedStack]:
    """Every stack of every stage, dev first, then test and prod, each in the order defined."""
    outdir = Path(outdir)
    stacks: list[SynthesizedStack] = []
    for stage_artifact in _artifacts(outdir, "cdk:cloud-assembly"):
        stage_dir = outdir / stage_artifact["properties"]["directoryName"]
        for artifact in _artifacts(stage_dir, "aws:cloudformation:stack"):
            account, region = artifact["environment"].removeprefix("aws://").split("/")
            stacks.append(
                SynthesizedStack(
                    stage=stage_artifact["properties"]["displayName"],
                    name=artifact["properties"].get("stackName", artifact["displayName"]),
                    path=artifact["displayName"],
                    account=account,
                    region=region,
                    template_file=stage_dir / artifact["properties"]["templateFile"],
                )
            )
    order = ("dev", "test", "prod")
    return sorted(stacks, key=lambda stack: order.index(stack.stage) if stack.stage in order else len(order))


def _artifacts(directory: Path, kind: str) -> list[dict]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [a for a in manifest.get("artifacts", {}).values() if a["type"] == kind]
