"""Which SageMaker instance types each use in the config accepts, so that `m5.large` or a made-up type
is refused at load, with close valid choices, instead of by CDK's validator after synthesis or by
SageMaker when the pipeline runs.

The table (`instance_types.json`) is written by `python -m tooling.instance_types` from botocore's
SageMaker API model and cfn-lint's CloudFormation schemas; a test keeps it current with both.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Literal

INSTANCE_TYPES_FILE = Path(__file__).with_name("instance_types.json")
Use = Literal["studio", "training", "processing", "inference", "hosting"]
_EVERYDAY = ("ml.m5.large", "ml.t3.medium")  # suggested when nothing is close
_WHAT = {
    "studio": "Studio apps",
    "training": "training jobs",
    "processing": "processing jobs",
    "inference": "real-time inference and batch transform",
    "hosting": "endpoints",
}


@cache
def accepted(use: Use) -> frozenset[str]:
    return frozenset(json.loads(INSTANCE_TYPES_FILE.read_text(encoding="utf-8"))[use])


def instance_type_problem(value: str, use: Use) -> str | None:
    """Why SageMaker would refuse `value` for `use`, with the closest valid types as the fix, or None."""
    choices = accepted(use)
    if value in choices:
        return None
    candidates = [f"ml.{value}"] if f"ml.{value}" in choices else []
    candidates += difflib.get_close_matches(value, sorted(choices), n=3, cutoff=0.6)
    close = list(dict.fromkeys(candidates))[:3] or [t for t in _EVERYDAY if t in choices]
    return (
        f"'{value}' is not an instance type SageMaker offers for {_WHAT[use]}; "
        f"fix: use one such as {', '.join(repr(c) for c in close)}"
    )
