#!/usr/bin/env python3
"""Synthesizes the ML platform for the deployment described by `-c config=PATH`."""

import gc
import sys

import tooling.jsii_runtime  # noqa: F401  (first: how jsii runs is read when aws_cdk is imported)

# isort: split
from compliance.checks import new_app
from compliance.report import unacknowledged_findings
from platform_config import ConfigError, load_config
from platform_config.commit import CONTEXT_KEY, code_version
from stacks.platform import build_platform

FIX = (
    "fix each finding, or acknowledge it on the narrowest construct with a reason a security reviewer "
    "would accept (README, 'Security checks')"
)


def main() -> None:
    app = new_app()
    try:
        config = load_config(app.node.try_get_context("config") or "config/example.toml")
        code_version(app.node.try_get_context(CONTEXT_KEY))  # refused here in one line, used by the stacks
    except ConfigError as error:
        sys.exit(f"config error: {error}")
    for warning in config.warnings():
        print(f"config warning: {warning}", file=sys.stderr)
    build_platform(app, config)
    try:
        app.synth()
    except RuntimeError as error:  # in-memory synthesis raises on findings
        if "ValidationFailed" not in str(error):
            raise
    findings = unacknowledged_findings(app.outdir)
    if findings:
        print("\n".join(findings), file=sys.stderr)
        sys.exit(f"checks failed: {len(findings)} finding(s) above; {FIX}")


if __name__ == "__main__":
    gc.freeze()  # the imported modules live as long as the process: no collection needs to walk them
    main()
