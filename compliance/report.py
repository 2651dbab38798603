"""Reads CDK's validation report, so that a finding fails synthesis however the app is run.

CDK raises on findings when it synthesizes in memory (tests), but under the CLI it only sets the
exit code of jsii's Node process, which a Python app never returns: `cdk synth` would pass with
findings. `app.py` therefore checks this report itself after synthesis.
"""

from __future__ import annotations

import json
from pathlib import Path

REPORT_FILE = "validation-report.json"


def unacknowledged_findings(outdir: str | Path) -> list[str]:
    """One line per finding not acknowledged: the check, the rule, the construct, what is wrong."""
    path = Path(outdir) / REPORT_FILE
    if not path.exists():
        return []
    report = json.loads(path.read_text(encoding="utf-8"))
    return [
        f"{plugin['pluginName']}: {violation['ruleName']} at {construct['constructPath']}: "
        f"{violation['description'].split(' - (Control IDs')[0]}"
        for plugin in report.get("pluginReports", [])
        for violation in plugin.get("violations", [])
        for construct in violation["violatingConstructs"]
    ]
