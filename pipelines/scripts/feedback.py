"""Fresh training rows from prod: captured requests joined with their ground-truth labels.

Preprocessing (`preprocess.py`) calls `fresh_rows` after it has dropped the PII columns from the
raw data and encoded it, and appends what it returns before splitting, so fresh rows go through the
same shuffle, split and baseline as the raw data. The retraining loop (ml_constructs/retraining_loop)
lists the files of one window (captures newer than the last run, labels uploaded since) into a
manifest the Preprocess step downloads; every `*.jsonl` under `--feedback-dir` is read, and any
other file (the deploy-time default manifest lists only a README) contributes nothing.

Formats, as Model Monitor documents them:
- a capture record: {"captureData": {"endpointInput": {"data": "<CSV>", "encoding": "CSV"|"BASE64",
  ...}, "endpointOutput": {...}}, "eventMetadata": {"eventId": ..., "inferenceId": ..., ...},
  "eventVersion": "0"}
- a label record: {"groundTruthData": {"data": "<label>", "encoding": "CSV"}, "eventMetadata":
  {"eventId": "<the capture's inferenceId, or its eventId without one>"}, "eventVersion": "0"}

What the endpoint receives is the model's feature vector (PII dropped and encoded by preprocess, as
`sample_requests.csv` is), so a capture becomes a row only if its input is exactly one CSV line of
as many numbers as the encoded data has feature columns. Anything else (an extra field, a header,
a batch, a raw record that might carry a PII column) is counted and refused, never guessed at: no
column that preprocessing would have dropped can reach the training data this way. Labels must be
0 or 1; a request labelled twice takes its last label (files in path order, lines in file order).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections import Counter
from pathlib import Path

import pandas as pd


def _records(feedback_dir: Path):
    """Every JSON object of every `*.jsonl` file under the folder, in path order; bad lines are counted."""
    for file in sorted(feedback_dir.rglob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                yield record if isinstance(record, dict) else None


def _text(payload: object) -> str | None:
    """The CSV text of a capture's endpointInput, decoding BASE64 as Model Monitor may write it."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), str):
        return None
    if payload.get("encoding") == "BASE64":
        try:
            return base64.b64decode(payload["data"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return payload["data"]


def _features(text: str | None, width: int) -> list[float] | None:
    """The one CSV row of exactly `width` numbers, or None."""
    if text is None:
        return None
    rows = [row for row in csv.reader(io.StringIO(text.strip())) if row]
    if len(rows) != 1 or len(rows[0]) != width:
        return None
    try:
        return [float(value) for value in rows[0]]
    except ValueError:
        return None


def read(feedback_dir: Path) -> tuple[dict[str, object], dict[str, str], Counter]:
    """(inference id -> capture input text, inference id -> label text, counts of what was refused)."""
    captures: dict[str, object] = {}
    labels: dict[str, str] = {}
    counts: Counter = Counter()
    for record in _records(feedback_dir):
        metadata = record.get("eventMetadata") if record else None
        if not isinstance(metadata, dict):
            counts["unreadable record"] += 1
            continue
        if "captureData" in record:
            key = metadata.get("inferenceId") or metadata.get("eventId")
            captured = record["captureData"]
            if isinstance(key, str) and key and isinstance(captured, dict):
                captures[key] = captured.get("endpointInput")
            else:
                counts["capture without an inference id"] += 1
        elif "groundTruthData" in record:
            key, truth = metadata.get("eventId"), record["groundTruthData"]
            if (
                isinstance(key, str)
                and key
                and isinstance(truth, dict)
                and isinstance(truth.get("data"), str)
            ):
                if key in labels:
                    counts["label replaced by a later one"] += 1
                labels[key] = truth["data"].strip()
            else:
                counts["label without an event id"] += 1
        else:
            counts["unreadable record"] += 1
    return captures, labels, counts


def fresh_rows(encoded: pd.DataFrame, label: str, feedback_dir: Path) -> tuple[pd.DataFrame, str]:
    """Labelled captures as rows of `encoded`'s columns (label first), and a one-line account of them."""
    features = [column for column in encoded.columns if column != label]
    rows: list[list[float]] = []
    counts: Counter = Counter()
    if feedback_dir.is_dir():
        captures, labels, counts = read(feedback_dir)
        for key, endpoint_input in captures.items():
            if key not in labels:
                counts["capture without a label yet"] += 1
                continue
            values = _features(_text(endpoint_input), len(features))
            if values is None:
                counts["capture that is not one row of the model's features"] += 1
            elif labels[key] not in ("0", "1"):
                counts["label that is not 0 or 1"] += 1
            else:
                rows.append([int(labels[key]), *values])
        counts["label without a capture"] += len(set(labels) - set(captures))
    frame = pd.DataFrame(rows, columns=[label, *features])
    refused = ", ".join(f"{count} {reason}" for reason, count in sorted(counts.items()) if count)
    return frame, f"{len(frame)} fresh labelled row(s) from prod" + (
        f"; not used: {refused}" if refused else ""
    )
