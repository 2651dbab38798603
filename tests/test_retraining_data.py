"""Retraining on fresh data (issue 13, item 4): preprocessing appends prod's captured requests joined
with their labels by inference id, on sample captures and labels made from the project's sample data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from pipelines.data import generate_sample
from pipelines.scripts import feedback, preprocess
from tests.feedback_samples import (
    LABELS_PREFIX,
    VARIANT_PREFIX,
    capture,
    encoded_rows,
    encoded_sample,
    hour_path,
    jsonl,
    label,
)

SAMPLE_DIR = generate_sample.OUTPUT.parent
PII = ",".join(generate_sample.PII_COLUMNS)
WHEN = datetime(2026, 11, 21, 8, tzinfo=UTC)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def write(folder: Path, key: str, text: str) -> None:
    path = folder / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def run(tmp_path: Path, feedback_dir: Path, capsys) -> tuple[Path, str]:
    output = tmp_path / "output"
    preprocess.main(
        [
            *("--input-dir", str(SAMPLE_DIR), "--output-dir", str(output), "--pii-columns", PII),
            *("--feedback-dir", str(feedback_dir)),
        ]
    )
    return output, capsys.readouterr().out


def rows_written(output: Path) -> int:
    return sum(len(np.loadtxt(output / s / f"{s}.csv", delimiter=",", ndmin=2)) for s in preprocess.SPLITS)


@pytest.fixture
def fresh(tmp_path) -> Path:
    """30 captured requests over two hours and a label for each, as replication leaves them in dev."""
    folder = tmp_path / "feedback"
    rows = encoded_rows(30, offset=100)
    for part, when in enumerate((WHEN, WHEN.replace(hour=9))):
        chunk = rows[part * 15 : (part + 1) * 15]
        ids = [f"req-{part}-{n}" for n in range(len(chunk))]
        write(
            folder,
            hour_path(VARIANT_PREFIX, when, "capture.jsonl"),
            jsonl([capture(i, r, when) for i, (_, r) in zip(ids, chunk, strict=True)]),
        )
        write(
            folder,
            hour_path(LABELS_PREFIX, when.replace(hour=when.hour + 2), "labels.jsonl"),
            jsonl([label(i, y) for i, (y, _) in zip(ids, chunk, strict=True)]),
        )
    return folder


def test_labelled_captures_join_the_training_data(tmp_path, fresh, capsys):
    output, out = run(tmp_path, fresh, capsys)
    assert rows_written(output) == 600 + 30
    assert "preprocess: 30 fresh labelled row(s) from prod\n" in out


def test_the_fresh_rows_carry_their_labels_and_the_models_columns(fresh):
    encoded = encoded_sample()
    rows, _ = feedback.fresh_rows(encoded, "churned", fresh)
    assert list(rows.columns) == list(encoded.columns)
    expected = encoded.iloc[100:130].reset_index(drop=True).astype(float)
    assert (rows.astype(float).to_numpy() == expected.to_numpy()).all()


def test_without_fresh_data_the_output_is_what_the_raw_data_alone_gives(tmp_path, capsys):
    """The deploy-time default manifest lists only a README: nothing joins, byte-identical output."""
    readme = tmp_path / "feedback" / "README.txt"
    readme.parent.mkdir()
    readme.write_text("prod's captures and labels arrive here\n")
    output, out = run(tmp_path, readme.parent, capsys)
    baseline = tmp_path / "plain"
    preprocess.main(["--input-dir", str(SAMPLE_DIR), "--output-dir", str(baseline), "--pii-columns", PII])
    assert {p.name: p.read_bytes() for p in output.rglob("*.csv")} == {
        p.name: p.read_bytes() for p in baseline.rglob("*.csv")
    }
    assert "preprocess: 0 fresh labelled row(s) from prod\n" in out


def test_what_cannot_be_joined_or_trusted_is_counted_and_left_out(tmp_path, capsys):
    folder = tmp_path / "feedback"
    (y0, good), (_, other), (_, third) = encoded_rows(3)
    raw_with_pii = "Ada Adams,ada.adams0@example.com,+1-555-123-4567," + good  # a caller sending a raw record
    records = [
        capture("ok", good, WHEN),
        capture("no-label", other, WHEN),
        capture("pii", raw_with_pii, WHEN),
        capture("batch", good + "\n" + other, WHEN),
        capture("not-binary", third, WHEN),
        capture("b64", third, WHEN, base64_encoded=True),
    ]
    write(folder, hour_path(VARIANT_PREFIX, WHEN, "c.jsonl"), jsonl(records) + "not json\n")
    labels = [
        label("ok", y0),
        label("pii", 1),
        label("batch", 0),
        label("not-binary", 2),
        label("b64", 0),
        label("orphan", 1),
    ]
    write(folder, hour_path(LABELS_PREFIX, WHEN, "l.jsonl"), jsonl(labels))

    output, out = run(tmp_path, folder, capsys)

    assert rows_written(output) == 600 + 2  # "ok" and the BASE64-encoded "b64"
    # the PII-carrying record and the batch are not one row of the model's features
    assert (
        "preprocess: 2 fresh labelled row(s) from prod; not used: 2 capture that is not one row of the "
        "model's features, 1 capture without a label yet, 1 label that is not 0 or 1, "
        "1 label without a capture, 1 unreadable record\n"
    ) in out
    for path in output.rglob("*.csv"):
        text = path.read_text()
        assert not EMAIL.search(text) and "Ada Adams" not in text, path


def test_negative_control_the_pii_guard_is_the_column_count(tmp_path):
    """The same raw record is refused only because its width differs from the model's features."""
    ((_, good),) = encoded_rows(1)
    assert feedback._features(good, len(good.split(","))) is not None
    assert feedback._features("ada@example.com," + good, len(good.split(","))) is None


def test_a_later_label_replaces_an_earlier_one(tmp_path):
    folder = tmp_path / "feedback"
    ((_, request),) = encoded_rows(1)
    write(folder, hour_path(VARIANT_PREFIX, WHEN, "c.jsonl"), jsonl([capture("r", request, WHEN)]))
    write(folder, hour_path(LABELS_PREFIX, WHEN, "a.jsonl"), jsonl([label("r", 0)]))
    write(folder, hour_path(LABELS_PREFIX, WHEN.replace(hour=9), "b.jsonl"), jsonl([label("r", 1)]))
    encoded = encoded_sample()
    rows, account = feedback.fresh_rows(encoded, "churned", folder)
    assert rows["churned"].tolist() == [1]
    assert account == "1 fresh labelled row(s) from prod; not used: 1 label replaced by a later one"


def test_a_capture_without_an_inference_id_joins_on_its_event_id(tmp_path):
    folder = tmp_path / "feedback"
    ((y, request),) = encoded_rows(1)
    record = capture(None, request, WHEN)
    write(folder, hour_path(VARIANT_PREFIX, WHEN, "c.jsonl"), jsonl([record]))
    write(
        folder,
        hour_path(LABELS_PREFIX, WHEN, "l.jsonl"),
        jsonl([label(record["eventMetadata"]["eventId"], y)]),
    )
    encoded = encoded_sample()
    assert len(feedback.fresh_rows(encoded, "churned", folder)[0]) == 1
