"""The main job's last step: lint the synthesized templates and say what each account gets.

Usage: python -m tooling.report [cdk.out] [--quiet]
"""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from pathlib import Path

from cfn.assembly import SynthesizedStack, read_assembly
from compliance.deploy_limits import limit_problems
from tooling.costs import estimate, format_costs
from tooling.lint import lint_stacks


def describe(stacks: list[SynthesizedStack], outdir: Path) -> str:
    lines = [f"Templates are in {outdir}/ (one folder per account)."]
    for stage, members in groupby(stacks, key=lambda s: s.stage):
        group = list(members)
        lines.append(f"\n{stage} account {group[0].account}:")
        for stack in group:
            resources = stack.template.get("Resources", {}).values()
            counts = Counter(
                r["Type"].removeprefix("AWS::") for r in resources if r["Type"] != "AWS::CDK::Metadata"
            )
            lines.append(f"  {stack.name} ({stack.region}): {stack.template.get('Description', '')}")
            lines.append(f"    template: {stack.template_file}")
            lines.append(
                f"    {sum(counts.values())} resources: "
                + ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
            )
    return "\n".join(lines)


def main(outdir: str = "cdk.out", *flags: str) -> int:
    """`--quiet`: the checks only (before a diff or deploy), not the summary."""
    path = Path(outdir)
    stacks = read_assembly(path)
    for name, findings in (("cfn-lint", lint_stacks(stacks)), ("deploy limits", limit_problems(stacks))):
        if findings:
            print(f"{name} findings:\n" + "\n".join(findings), file=sys.stderr)
            return 1
    checks = (
        "cdk-nag (AwsSolutions, NIST 800-53 R5, SageMaker), CloudFormation Validate, ReplacementSafety, cfn-lint "
        "and deploy limits"
    )
    print(f"{checks}: no findings in {len(stacks)} templates.")
    if "--quiet" in flags:
        return 0
    print(describe(stacks, path))
    print("\nWhat costs money while idle, per account:")
    print(format_costs(estimate(stacks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
