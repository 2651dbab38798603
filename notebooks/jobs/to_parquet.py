"""The data engineer's processing job: the project's raw CSV data without its PII columns, as Parquet.

Drops PII with the model-build pipeline's own code (`preprocess.py`, shipped beside this file), so
what the pipeline and this job keep is the same. Runs in the SageMaker scikit-learn container
(Python 3.9, pandas and pyarrow) and locally in tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from preprocess import drop_pii, read_raw


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", type=Path, default=Path("/opt/ml/processing/input/data"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/output"))
    parser.add_argument("--pii-columns", default="", help="comma-separated column names to drop")
    args = parser.parse_args(argv)
    pii_columns = [column.strip() for column in args.pii_columns.split(",") if column.strip()]
    data = drop_pii(read_raw(args.input_dir), pii_columns)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    data.to_parquet(args.output_dir / "data.parquet", index=False)
    print(
        f"to_parquet: {len(data)} rows, {len(data.columns)} columns, {len(pii_columns)} PII column(s) dropped"
    )


if __name__ == "__main__":
    main()
