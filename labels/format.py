"""Labels as people write them (CSV `inference_id,label`) and as Model Monitor reads them (JSON Lines).

Model Monitor merges each label with the captured prediction whose `inferenceId` (the `InferenceId`
the caller sent to InvokeEndpoint) equals the label's `eventMetadata.eventId`; the files go under
`<prefix>/yyyy/mm/dd/hh/`, the hour the labels were collected
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-merge.html).

Standard library only: the retraining loop's code may read the same constants.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

HEADER = ("inference_id", "label")
# InvokeEndpoint's InferenceId: 1 to 64 printable characters, not starting with a space
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
INFERENCE_ID = re.compile(r"\S[\x20-\x7e]{0,63}")
LABELS = (
    "0",
    "1",
)  # the platform's projects are binary classifiers (evaluate.py, Model Monitor's problem type)


class LabelError(ValueError):
    """The file is not a labels CSV; the message names the line and the fix."""


@dataclass(frozen=True)
class Label:
    inference_id: str
    label: str


def parse_csv(text: str) -> list[Label]:
    """Every row of a labels CSV, checked: the header, each id (as InvokeEndpoint accepts it, once)
    and each label (0 or 1)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip() for cell in rows[0]) != HEADER:
        raise LabelError(f"line 1 must be the header {','.join(HEADER)}; fix: add it as the first line")
    labels, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2:
            raise LabelError(f"line {number} has {len(row)} values, not 2; fix: write inference_id,label")
        inference_id, label = row[0].strip(), row[1].strip()
        if not INFERENCE_ID.fullmatch(inference_id):
            raise LabelError(
                f"line {number}: {inference_id!r} is not an InferenceId (1 to 64 printable characters); "
                "fix: use the InferenceId the caller sent with the request"
            )
        if inference_id in seen:
            raise LabelError(
                f"line {number}: inference id {inference_id} is labelled already on line {seen[inference_id]}; "
                "fix: keep one label per prediction"
            )
        if label not in LABELS:
            raise LabelError(
                f"line {number}: label {label!r} is not 0 or 1; fix: write the true class, 0 or 1"
            )
        seen[inference_id] = number
        labels.append(Label(inference_id, label))
    if not labels:
        raise LabelError("the file has a header but no labels; fix: add one line per labelled prediction")
    return labels


def record(label: Label) -> dict:
    """One label in Model Monitor's ground-truth record format."""
    return {
        "groundTruthData": {"data": label.label, "encoding": "CSV"},
        "eventMetadata": {"eventId": label.inference_id},
        "eventVersion": "0",
    }


def to_jsonl(labels: list[Label]) -> str:
    return "".join(json.dumps(record(label), sort_keys=True) + "\n" for label in labels)


def object_key(prefix: str, collected: datetime, body: str) -> str:
    """`<prefix>/yyyy/mm/dd/hh/labels-<digest>.jsonl` (UTC hour of collection): the same labels
    uploaded twice in an hour land on one key, so a retry adds no duplicates."""
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    return f"{prefix.rstrip('/')}/{collected:%Y/%m/%d/%H}/labels-{digest}.jsonl"
