"""The pull-request comment of `.github/workflows/cdk-diff.yml`: one folded section per stage with its
`cdk diff`, cut to fit GitHub's comment size, posted once and then updated in place.

Usage (in the workflow's comment job, standard library only): python3 tooling/diff_comment.py DIR
where DIR holds one `<stage>.txt` per stage; STAGES (the diff job's matrix), CONFIG, RUN_URL, PR and
GITHUB_REPOSITORY come from the environment, and `gh` posts with GH_TOKEN.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

MARKER = "<!-- cdk-diff -->"
# GitHub refuses a comment body over 65,536 characters; the rest is kept for headings and links.
BUDGET = 60_000
_COUNT = re.compile(r"Number of stacks with differences: (\d+)")


def section(stage: str, output: str | None, budget: int) -> str:
    """One stage's folded diff: its count of changed stacks in the summary line, the output cut to
    `budget` characters."""
    if output is None:
        return f"**{stage}**: no diff, the job stopped before `cdk diff` ran (see the run)."
    count = _COUNT.search(output)
    headline = f"{count.group(1)} stack(s) with differences" if count else "`cdk diff` failed (see the run)"
    if len(output) > budget:
        output = output[:budget] + "\n[… cut to fit the comment: the whole diff is in the run's summary]"
    return f"<details><summary><b>{stage}</b>: {headline}</summary>\n\n````\n{output}\n````\n\n</details>"


def body(outputs: dict[str, str | None], config: str, run_url: str) -> str:
    """The comment: the marker that finds it again, then each stage in the given order."""
    budget = BUDGET // max(len(outputs), 1)
    return "\n\n".join(
        [
            MARKER,
            f"### `cdk diff` against the deployed stacks (`{config}`)",
            *(section(stage, output, budget) for stage, output in outputs.items()),
            f"Read-only: templates are compared, nothing is changed. [Full output]({run_url}).",
        ]
    )


def _gh(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["gh", "api", *args], input=stdin, text=True, capture_output=True, check=True
    ).stdout


def post(repo: str, pr: str, text: str) -> None:
    """Updates the bot's comment that starts with the marker, or creates it."""
    mine = f'.[] | select(.user.login == "github-actions[bot]" and (.body | startswith("{MARKER}"))) | .id'
    existing = _gh(f"repos/{repo}/issues/{pr}/comments", "--paginate", "--jq", mine).split()
    payload = json.dumps({"body": text})
    if existing:
        _gh("--method", "PATCH", f"repos/{repo}/issues/comments/{existing[0]}", "--input", "-", stdin=payload)
    else:
        _gh("--method", "POST", f"repos/{repo}/issues/{pr}/comments", "--input", "-", stdin=payload)


def main(folder: str) -> None:
    outputs = {}
    for entry in json.loads(os.environ["STAGES"]):
        path = Path(folder) / f"{entry['stage']}.txt"
        outputs[entry["stage"]] = path.read_text(encoding="utf-8") if path.exists() else None
    text = body(outputs, os.environ["CONFIG"], os.environ["RUN_URL"])
    post(os.environ["GITHUB_REPOSITORY"], os.environ["PR"], text)


if __name__ == "__main__":
    main(sys.argv[1])
