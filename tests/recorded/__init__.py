"""Responses of AWS APIs moto lacks (or answers without the fields under test), one JSON file each,
written from the API reference's shapes; `_` keys are notes for the reader, never part of a response."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent


def recorded(folder: str, name: str) -> dict[str, Any]:
    """`folder/name.json` as botocore hands it out: timestamps as datetimes, no `_` notes."""

    def parse(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: parse(v, k) for k, v in value.items() if not k.startswith("_")}
        if isinstance(value, list):
            return [parse(item) for item in value]
        if key.endswith("Time") and isinstance(value, str):
            return datetime.fromisoformat(value)
        return value

    return parse(json.loads((FOLDER / folder / f"{name}.json").read_text(encoding="utf-8")))
