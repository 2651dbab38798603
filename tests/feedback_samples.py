"""Sample prod feedback in Model Monitor's documented formats, made from the project's sample data:
captured requests (the model's encoded feature rows, as `sample_requests.csv` holds them) with an
inference id each, and ground-truth labels keyed by those ids, in the hourly partitions prod writes."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from functools import cache

import pandas

from pipelines.data import generate_sample
from pipelines.scripts import preprocess

ENDPOINT = "mlplatform-churn-prod"
CAPTURE_PREFIX = f"churn/capture/{ENDPOINT}/"  # the endpoint's captures; each variant a folder below
VARIANT_PREFIX = f"{CAPTURE_PREFIX}AllTraffic/"
LABELS_PREFIX = f"ground-truth/{ENDPOINT}/"


@cache
def _encoded() -> pandas.DataFrame:
    raw = preprocess.read_raw(generate_sample.OUTPUT.parent)
    return preprocess.encode(preprocess.drop_pii(raw, list(generate_sample.PII_COLUMNS)), "churned")


def encoded_sample() -> pandas.DataFrame:
    """The sample as the model sees it, PII dropped and encoded by preprocess (a copy, read once)."""
    return _encoded().copy()


def encoded_rows(count: int, offset: int = 0) -> list[tuple[int, str]]:
    """(label, request CSV) of `count` rows of the sample, PII dropped and encoded by preprocess."""
    rows = _encoded().iloc[offset : offset + count]
    requests = rows.drop(columns=["churned"]).to_csv(header=False, index=False, lineterminator="\n")
    return list(zip(rows["churned"].astype(int), requests.splitlines(), strict=True))


def capture(inference_id: str | None, request: str, when: datetime, *, base64_encoded: bool = False) -> dict:
    """One capture record as the endpoint writes it."""
    data = base64.b64encode(request.encode()).decode() if base64_encoded else request
    metadata = {
        "eventId": f"event-{inference_id or request[:8]}",
        "inferenceTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if inference_id:
        metadata["inferenceId"] = inference_id
    return {
        "captureData": {
            "endpointInput": {
                "observedContentType": "text/csv",
                "mode": "INPUT",
                "data": data,
                "encoding": "BASE64" if base64_encoded else "CSV",
            },
            "endpointOutput": {
                "observedContentType": "text/csv; charset=utf-8",
                "mode": "OUTPUT",
                "data": "0.42",
                "encoding": "CSV",
            },
        },
        "eventMetadata": metadata,
        "eventVersion": "0",
    }


def label(inference_id: str, value: object) -> dict:
    """One ground-truth record, as `labels upload` writes it."""
    return {
        "groundTruthData": {"data": str(value), "encoding": "CSV"},
        "eventMetadata": {"eventId": inference_id},
        "eventVersion": "0",
    }


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def hour_path(prefix: str, when: datetime, name: str) -> str:
    """`<prefix>yyyy/mm/dd/hh/<name>`: the hourly partition Model Monitor reads."""
    return f"{prefix}{when:%Y/%m/%d/%H}/{name}"


def hours(start: datetime, count: int) -> list[datetime]:
    return [start + timedelta(hours=n) for n in range(count)]
