"""The data scientist's training script: a gradient-boosted classifier on the preprocessed splits
(label first, no header, as `preprocess.py` writes them), the same code locally and as a SageMaker
training job (script mode in the scikit-learn container, Python 3.9).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

# The model-build pipeline's XGBoost settings, as far as this estimator has them.
SETTINGS = {"max_depth": 4, "learning_rate": 0.1, "max_iter": 300, "random_state": 42}


def read_split(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    rows = np.vstack([np.loadtxt(file, delimiter=",", ndmin=2) for file in sorted(directory.glob("*.csv"))])
    return rows[:, 0].astype(int), rows[:, 1:]


def fit(labels: np.ndarray, features: np.ndarray) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(**SETTINGS).fit(features, labels)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=Path(os.environ.get("SM_CHANNEL_TRAIN", "train")))
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get("SM_MODEL_DIR", "model")))
    args = parser.parse_args(argv)
    model = fit(*read_split(args.train))
    args.model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.model_dir / "model.joblib")
    print(f"train: model written to {args.model_dir}")


if __name__ == "__main__":
    main()
