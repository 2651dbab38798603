"""No deprecated aws-cdk-lib API in the platform's own code: the whole app is built and synthesized
with jsii's JSII_DEPRECATED=fail, which turns each use into an error. cdk-nag is left out (its rules
read deprecated properties, which is why the app's own runs keep deprecation notices quiet)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import EXAMPLE_CONFIG
from tooling.synth import ROOT

PLATFORM_WITHOUT_CHECKS = f"""
import tempfile
import stacks.platform
from platform_config import load_config
from tooling.synth import cdk_app
stacks.platform.add_checks = lambda app: None
app = cdk_app(tempfile.mkdtemp())
stacks.platform.build_platform(app, load_config({str(EXAMPLE_CONFIG)!r}))
app.synth()
"""
# A deprecated property (the one cdk-nag reads) set in a one-stack app.
DEPRECATED_USE = """
import aws_cdk as cdk
from aws_cdk import aws_events as events
app = cdk.App()
stack = cdk.Stack(app, "S")
events.CfnEventBusPolicy(stack, "P", statement_id="s", action="events:PutEvents", principal="111111111111")
app.synth()
"""


def run_failing_on_deprecation(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import tooling.jsii_runtime\n{script}"],
        cwd=ROOT,
        env={**os.environ, "JSII_DEPRECATED": "fail", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_platform_uses_no_deprecated_cdk_api():
    result = run_failing_on_deprecation(PLATFORM_WITHOUT_CHECKS)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_deprecated_api_fails_the_build():
    """Negative control: the same run fails on one deprecated call."""
    result = run_failing_on_deprecation(DEPRECATED_USE)
    assert result.returncode != 0 and "CfnEventBusPolicy" in result.stderr and "deprecated" in result.stderr
