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
    """One line per finding not acknowledged: the check, the rule, the construct, what is wrong (and
    the fix, when the check gives one); and one per check that failed to run, which CDK reports
    without findings."""
    path = Path(outdir) / REPORT_FILE
    if not path.exists():
        return []
    report = json.loads(path.read_text(encoding="utf-8"))
    plugins = report.get("pluginReports", [])
    return [
        f"{plugin['pluginName']}: {violation['ruleName']} at {construct['constructPath']}: "
        f"{violation['description'].split(' - (Control IDs')[0]}"
        + (f"; fix: {violation['suggestedFix']}" if violation.get("suggestedFix") else "")
        for plugin in plugins
        for violation in plugin.get("violations", [])
        for construct in violation["violatingConstructs"]
    ] + [
        f"{plugin['pluginName']}: did not run: {plugin.get('metadata', {}).get('error', 'no reason given')}"
        for plugin in plugins
        if plugin.get("conclusion") == "failure" and not plugin.get("violations")
    ]
