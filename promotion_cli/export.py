"""`history --export FILE`: the project's recorded decisions as a file an auditor opens without AWS.

`.csv` (one row a decision, a header, the columns below; Excel and pandas read it as is) or `.json`
(a list of objects with the same fields, newest first). Every decision is exported, not the last
`--limit`: an auditor asks for all of them. The file says where its records come from, so a reader
can check them against the locked copies in the audit-records bucket (decisions/<project>/...).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from operator_cli.errors import CliError

COLUMNS = (
    "recorded_at",
    "kind",
    "model_package_arn",
    "model_package_version",
    "decision",
    "stage",  # kind lifecycle-stage: the stage the promotion set, never a decision
    "decided_by",
    "comment",
    "pipeline_execution_id",
    "event_id",
)
FORMATS = (".csv", ".json")


def path_argument(text: str) -> Path:
    """`--export`'s parser: refuses, before any AWS call, a file it could not write in a known format."""
    path = Path(text)
    if path.suffix.lower() not in FORMATS:
        raise argparse.ArgumentTypeError("the file must end in .csv or .json, e.g. churn-decisions.csv")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"folder {path.parent} does not exist")
    return path


def row(item: dict[str, Any]) -> dict[str, str]:
    """An audit item with every column, as text (DynamoDB numbers are Decimals)."""
    values = {column: item.get(column, "") for column in COLUMNS}
    values["recorded_at"] = str(values["recorded_at"]).split("#")[0]
    return {column: str(value) for column, value in values.items()}


def render(items: list[dict[str, Any]], suffix: str) -> str:
    rows = [row(item) for item in items]
    if suffix == ".json":
        return json.dumps(rows, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(path: Path, items: list[dict[str, Any]]) -> None:
    try:
        path.write_text(render(items, path.suffix.lower()), encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}", "name a file you may write") from None
