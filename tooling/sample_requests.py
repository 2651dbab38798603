"""Writes the promotion steps' `sample_requests.csv`: 20 churn requests in exactly the model's input layout.

The rows are the first 20 of the test split that `pipelines/scripts/preprocess.py` makes from the
committed sample data with its default seed and fractions (rows the model never trained on), encoded
by preprocess's own functions over the whole data set, so the one-hot columns and their order are the
model's, and written as the endpoint receives them: PII and label removed, no header.

    python -m tooling.sample_requests   # from the repo root
"""

from __future__ import annotations

from pathlib import Path

from pipelines.data import generate_sample
from pipelines.scripts import preprocess

OUTPUT = Path(__file__).parents[1] / "ml_constructs" / "promotion_pipeline" / "steps" / "sample_requests.csv"
ROWS = 20


def render() -> str:
    """The file's exact text."""
    defaults = preprocess.parse_args([])
    raw = preprocess.read_raw(generate_sample.OUTPUT.parent)
    features = preprocess.drop_pii(raw, list(generate_sample.PII_COLUMNS))
    data = preprocess.encode(features, defaults.label_column)
    test = preprocess.split(data, defaults.validation_fraction, defaults.test_fraction, defaults.seed)["test"]
    requests = test.drop(columns=[defaults.label_column]).head(ROWS)
    return requests.to_csv(header=False, index=False, lineterminator="\n")


if __name__ == "__main__":
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {ROWS} requests to {OUTPUT}")
