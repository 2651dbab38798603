"""The chain as text (one link per line, each indented under the one it was found from) or as JSON.

Both show the same links and the same facts, so what a person reads is what an auditor's tool parses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from lineage.link import Link

LABELS = {
    "endpoint": "endpoint",
    "endpoint-config": "endpoint config",
    "model": "model",
    "model-package": "model package",
    "pipeline-execution": "pipeline execution",
    "training-job": "training job",
    "training-data": "training data",
    "data-versions": "data versions",
    "code-version": "code version",
}
INDENT = "  "


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(item) for item in value)
    return " ".join(str(value).split())  # one line, whatever a description holds


def line(link: Link, depth: int) -> str:
    """`<indent><label> <id> [<account>]: <facts or unknown: reason>`."""
    head = LABELS.get(link.kind, link.kind) + (f" {_value(link.id)}" if link.id else "")
    if link.unknown is not None:
        body = f"unknown: {_value(link.unknown)}"
    else:
        body = "; ".join(f"{key.replace('_', ' ')} {_value(value)}" for key, value in link.facts.items())
    return f"{INDENT * depth}{head} [{link.account}]" + (f": {body}" if body else "")


def text(links: Sequence[Link]) -> str:
    return "\n".join(line(link, depth) for depth, link in enumerate(links))


def as_json(links: Sequence[Link], *, endpoint: str, accounts: dict[str, dict[str, str]]) -> str:
    """`{"endpoint", "accounts": {role: {account_id, region}}, "links": [{kind, account, id, facts,
    source, unknown}]}`, links in chain order; `unknown` is null for a link that was followed."""
    document = {"endpoint": endpoint, "accounts": accounts, "links": [asdict(link) for link in links]}
    return json.dumps(document, indent=2, ensure_ascii=False)
