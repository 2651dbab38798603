"""Turns a project's raw CSV data into XGBoost-ready train/validation/test sets and a baseline dataset.

Runs in the SageMaker scikit-learn processing container (the pipeline's first step) and locally in
tests; it needs only pandas and numpy, and stays compatible with the container's older Python.

- PII columns named by `--pii-columns` are dropped first, so no later file can contain them; a
  named column missing from the data is an error (a typo would otherwise silently keep PII).
- Non-numeric columns are one-hot encoded, categories in sorted order.
- Fresh rows from prod (captured requests joined with their labels, `feedback.py`), already in
  the encoded layout, are appended after encoding.
- Rows are shuffled with a fixed seed and split; each split is written label first, without a
  header, as the built-in XGBoost algorithm reads CSV.
- `baseline/baseline.csv` is the training split WITH a header and WITHOUT the label: its columns
  line up, by position, with the CSV rows the endpoint receives and captures, which is what Model
  Monitor's data-quality baseline compares them with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SPLITS = ("train", "validation", "test")


class DataError(ValueError):
    """The raw data does not fit the project's settings; the message says which and how to fix it."""


def read_raw(input_dir: Path) -> pd.DataFrame:
    """Every CSV under `input_dir`, in path order, as one frame."""
    files = sorted(input_dir.rglob("*.csv"))
    if not files:
        raise DataError(f"no CSV files under {input_dir}; fix: point InputDataUri at the raw data prefix")
    return pd.concat([pd.read_csv(file) for file in files], ignore_index=True)


def drop_pii(data: pd.DataFrame, pii_columns: list[str]) -> pd.DataFrame:
    """The data without its PII columns; every named column must exist."""
    missing = [column for column in pii_columns if column not in data.columns]
    if missing:
        raise DataError(
            f"PII column(s) {', '.join(missing)} not in the data (columns: {', '.join(data.columns)}); "
            "fix: correct the project's pii_columns"
        )
    return data.drop(columns=pii_columns)


def encode(data: pd.DataFrame, label: str) -> pd.DataFrame:
    """Label first (as 0/1 integers), then numeric features, then one-hot encoded categoricals."""
    if label not in data.columns:
        raise DataError(f"label column {label} not in the data; fix: pass --label-column")
    labels = data[label]
    if not labels.isin([0, 1]).all():
        raise DataError(f"label column {label} must hold only 0 and 1")
    features = data.drop(columns=[label])
    categorical = [name for name in features.columns if not pd.api.types.is_numeric_dtype(features[name])]
    for name in categorical:
        features[name] = pd.Categorical(features[name], categories=sorted(features[name].dropna().unique()))
    encoded = pd.get_dummies(features, columns=categorical, dtype=int)
    return pd.concat([labels.astype(int), encoded], axis=1)


def split(data: pd.DataFrame, validation_fraction: float, test_fraction: float, seed: int) -> dict:
    """Disjoint train/validation/test frames from one seeded shuffle."""
    order = np.random.RandomState(seed).permutation(len(data))
    test_size = round(len(data) * test_fraction)
    validation_size = round(len(data) * validation_fraction)
    test, validation, train = np.split(order, [test_size, test_size + validation_size])
    return {"train": data.iloc[train], "validation": data.iloc[validation], "test": data.iloc[test]}


def write(splits: dict, label: str, output_dir: Path) -> None:
    """`<split>/<split>.csv` without header for XGBoost, and `baseline/baseline.csv` for Model Monitor."""
    for name in SPLITS:
        (output_dir / name).mkdir(parents=True, exist_ok=True)
        splits[name].to_csv(output_dir / name / f"{name}.csv", header=False, index=False)
    (output_dir / "baseline").mkdir(parents=True, exist_ok=True)
    splits["train"].drop(columns=[label]).to_csv(output_dir / "baseline" / "baseline.csv", index=False)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", type=Path, default=Path("/opt/ml/processing/input/data"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/output"))
    parser.add_argument("--pii-columns", default="", help="comma-separated column names to drop")
    parser.add_argument(
        "--feedback-dir",
        type=Path,
        default=Path("/opt/ml/processing/input/feedback"),
        help="prod's captured requests and their labels for this run (feedback.py)",
    )
    parser.add_argument("--label-column", default="churned")
    parser.add_argument("--validation-fraction", type=float, default=0.15)
    parser.add_argument("--test-fraction", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    # Imported here, not at the top: the Studio starters import this module alone, for drop_pii and
    # encode, and ship no feedback.py (a lifecycle configuration holds at most 16 KB).
    try:
        from . import feedback  # imported as a package module (tests)
    except ImportError:
        import feedback  # run as a script: Python puts this folder first on sys.path

    args = parse_args(argv)
    pii_columns = [column.strip() for column in args.pii_columns.split(",") if column.strip()]
    try:
        data = encode(drop_pii(read_raw(args.input_dir), pii_columns), args.label_column)
    except DataError as error:
        sys.exit(f"preprocess: {error}")
    fresh, account = feedback.fresh_rows(data, args.label_column, args.feedback_dir)
    print(f"preprocess: {account}")
    data = pd.concat([data, fresh], ignore_index=True)
    splits = split(data, args.validation_fraction, args.test_fraction, args.seed)
    write(splits, args.label_column, args.output_dir)
    sizes = ", ".join(f"{name} {len(frame)}" for name, frame in splits.items())
    print(f"preprocess: dropped {len(pii_columns)} PII column(s); rows: {sizes}")


if __name__ == "__main__":
    main()
