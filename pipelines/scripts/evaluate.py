"""Scores the trained model on the test split and writes `evaluation.json` for the pipeline's quality gate.

Runs in the XGBoost container, the one the model was trained in, so the model loads with the same
library version. The metrics are plain numpy functions so tests can check them by hand; the model
loader is a parameter of `main` so tests can run the whole script without xgboost installed.

`evaluation.json` follows SageMaker's model-quality metrics format (shown in the model registry)
and adds `quality`: the metric the project chose with `--quality-metric` and its value, which the
pipeline's Condition step compares with the project's threshold whatever that metric is.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]
METRIC_NAMES = ("auc", "accuracy", "precision", "recall", "f1")
BOOTSTRAP_ROUNDS = 200


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve: the chance a random positive outranks a random negative (ties: half)."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=float)
    positives, negatives = scores[labels == 1], scores[labels == 0]
    if not len(positives) or not len(negatives):
        raise ValueError("AUC needs both classes in the test set")
    above = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((above + 0.5 * ties) / (len(positives) * len(negatives)))


def confusion(labels: np.ndarray, predictions: np.ndarray) -> dict[str, int]:
    """True/false positives/negatives of 0/1 predictions."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    return {
        "tp": int(((labels == 1) & (predictions == 1)).sum()),
        "fp": int(((labels == 0) & (predictions == 1)).sum()),
        "tn": int(((labels == 0) & (predictions == 0)).sum()),
        "fn": int(((labels == 1) & (predictions == 0)).sum()),
    }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def accuracy(labels: np.ndarray, predictions: np.ndarray) -> float:
    counts = confusion(labels, predictions)
    return _ratio(counts["tp"] + counts["tn"], sum(counts.values()))


def precision(labels: np.ndarray, predictions: np.ndarray) -> float:
    counts = confusion(labels, predictions)
    return _ratio(counts["tp"], counts["tp"] + counts["fp"])


def recall(labels: np.ndarray, predictions: np.ndarray) -> float:
    counts = confusion(labels, predictions)
    return _ratio(counts["tp"], counts["tp"] + counts["fn"])


def f1(labels: np.ndarray, predictions: np.ndarray) -> float:
    p, r = precision(labels, predictions), recall(labels, predictions)
    return _ratio(2 * p * r, p + r)


def metrics(labels: np.ndarray, scores: np.ndarray, cutoff: float = 0.5) -> dict[str, float]:
    """Every metric of the report; AUC from the scores, the others from scores >= cutoff."""
    predictions = (np.asarray(scores) >= cutoff).astype(int)
    return {
        "auc": auc(labels, scores),
        "accuracy": accuracy(labels, predictions),
        "precision": precision(labels, predictions),
        "recall": recall(labels, predictions),
        "f1": f1(labels, predictions),
    }


def bootstrap_std(labels: np.ndarray, scores: np.ndarray, cutoff: float = 0.5, seed: int = 0) -> dict:
    """Each metric's standard deviation over seeded bootstrap resamples of the test set."""
    labels, scores = np.asarray(labels), np.asarray(scores)
    rng = np.random.RandomState(seed)
    samples = []
    for _ in range(BOOTSTRAP_ROUNDS):
        index = rng.randint(0, len(labels), len(labels))
        if labels[index].min() != labels[index].max():  # AUC needs both classes
            samples.append(metrics(labels[index], scores[index], cutoff))
    return {name: float(np.std([sample[name] for sample in samples])) for name in samples[0]}


def report(labels: np.ndarray, scores: np.ndarray, quality_metric: str, cutoff: float = 0.5) -> dict:
    """The `evaluation.json` document."""
    values = metrics(labels, scores, cutoff)
    spread = bootstrap_std(labels, scores, cutoff)
    counts = confusion(labels, (np.asarray(scores) >= cutoff).astype(int))
    classification = {
        name: {"value": value, "standard_deviation": spread[name]} for name, value in values.items()
    }
    classification["confusion_matrix"] = {
        "0": {"0": counts["tn"], "1": counts["fp"]},
        "1": {"0": counts["fn"], "1": counts["tp"]},
    }
    return {
        "binary_classification_metrics": classification,
        "quality": {"metric": quality_metric, "value": values[quality_metric]},
    }


def quality_constraints(quality_metric: str, minimum: float) -> dict:
    """Model Monitor's model-quality constraints: the metric on labelled prod traffic must not fall
    below the minimum the model had to reach here (the project's quality threshold)
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-metrics.html)."""
    return {
        "version": 0.0,
        "binary_classification_constraints": {
            quality_metric: {"threshold": minimum, "comparison_operator": "LessThanThreshold"}
        },
    }


def load_xgboost_model(model_dir: Path) -> Predict:
    """The booster in `model_dir/model.tar.gz` (as the built-in algorithm saves it), as a scorer."""
    import xgboost  # only in the XGBoost container

    with tempfile.TemporaryDirectory() as extracted:
        with tarfile.open(model_dir / "model.tar.gz") as archive:
            archive.extractall(extracted)
        booster = xgboost.Booster()
        booster.load_model(str(Path(extracted) / "xgboost-model"))
    return lambda features: booster.predict(xgboost.DMatrix(features))


def read_test(test_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Labels (first column) and features of the headerless test CSVs."""
    rows = np.vstack([np.loadtxt(file, delimiter=",", ndmin=2) for file in sorted(test_dir.glob("*.csv"))])
    return rows[:, 0].astype(int), rows[:, 1:]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--test-dir", type=Path, default=Path("/opt/ml/processing/test"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/evaluation"))
    parser.add_argument("--quality-metric", choices=METRIC_NAMES, default="auc", help="what the gate reads")
    parser.add_argument("--quality-threshold", type=float, default=0.5, help="the gate's minimum of it")
    parser.add_argument(
        "--constraints-dir", type=Path, default=Path("/opt/ml/processing/model-quality-baseline")
    )
    parser.add_argument("--cutoff", type=float, default=0.5, help="score at or above which we predict 1")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, load_model: Callable[[Path], Predict] = load_xgboost_model) -> None:
    args = parse_args(argv)
    labels, features = read_test(args.test_dir)
    scores = load_model(args.model_dir)(features)
    try:
        document = report(labels, scores, args.quality_metric, args.cutoff)
    except ValueError as error:
        sys.exit(f"evaluate: {error}")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "evaluation.json").write_text(json.dumps(document, indent=2) + "\n")
    args.constraints_dir.mkdir(parents=True, exist_ok=True)
    constraints = quality_constraints(args.quality_metric, args.quality_threshold)
    (args.constraints_dir / "constraints.json").write_text(json.dumps(constraints, indent=2) + "\n")
    print(f"evaluate: {args.quality_metric} = {document['quality']['value']:.4f}")


if __name__ == "__main__":
    main()
