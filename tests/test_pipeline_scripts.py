"""The model-build pipeline's sample data and job scripts, run locally on the committed sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.data import generate_sample
from pipelines.scripts import clarify_config, evaluate, preprocess

SAMPLE_DIR = generate_sample.OUTPUT.parent
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\+?\d[\d-]{7,}\d")


@pytest.fixture(scope="module")
def pii_columns(example_config) -> list[str]:
    return list(example_config.projects[0].pii_columns)


def run_preprocess(output_dir: Path, pii_columns: list[str]) -> Path:
    pii = ",".join(pii_columns)
    preprocess.main(["--input-dir", str(SAMPLE_DIR), "--output-dir", str(output_dir), "--pii-columns", pii])
    return output_dir


@pytest.fixture(scope="module")
def preprocessed(tmp_path_factory, pii_columns) -> Path:
    return run_preprocess(tmp_path_factory.mktemp("preprocessed"), pii_columns)


def output_files(output_dir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(output_dir)): path.read_bytes() for path in output_dir.rglob("*.csv")}


# --- sample data ---------------------------------------------------------------------------------


def test_generator_reproduces_the_committed_sample():
    assert generate_sample.render().encode("utf-8") == generate_sample.OUTPUT.read_bytes()


def test_sample_has_the_example_projects_pii_columns_features_and_label(pii_columns):
    sample = pd.read_csv(generate_sample.OUTPUT)
    assert set(pii_columns) <= set(sample.columns)
    assert len(sample) == generate_sample.ROWS == 600
    assert len(generate_sample.FEATURE_COLUMNS) == 8
    assert set(sample[generate_sample.LABEL_COLUMN]) == {0, 1}
    assert sample["email"].str.fullmatch(EMAIL).all()


# --- preprocess ----------------------------------------------------------------------------------


def test_preprocess_writes_every_split_and_the_baseline(preprocessed):
    assert sorted(output_files(preprocessed)) == [
        "baseline/baseline.csv",
        "test/test.csv",
        "train/train.csv",
        "validation/validation.csv",
    ]


def test_no_output_file_holds_a_pii_column_or_value(preprocessed, pii_columns):
    raw = pd.read_csv(generate_sample.OUTPUT)
    names = set(raw["customer_name"]) | {name.split()[-1] for name in raw["customer_name"]}
    for path, content in output_files(preprocessed).items():
        text = content.decode("utf-8")
        assert not any(column in text for column in pii_columns), path
        assert not EMAIL.search(text), path
        assert not PHONE.search(text), path
        assert not any(name in text for name in names), path


def test_splits_add_up_label_first_and_numeric(preprocessed):
    splits = {
        name: np.loadtxt(preprocessed / name / f"{name}.csv", delimiter=",") for name in preprocess.SPLITS
    }
    assert sum(len(rows) for rows in splits.values()) == generate_sample.ROWS
    assert [len(splits[name]) for name in preprocess.SPLITS] == [420, 90, 90]
    for rows in splits.values():
        assert set(np.unique(rows[:, 0])) == {0.0, 1.0}  # the label
    baseline = pd.read_csv(preprocessed / "baseline" / "baseline.csv")
    assert generate_sample.LABEL_COLUMN not in baseline.columns
    assert len(baseline) == len(splits["train"])
    assert baseline.to_numpy().tolist() == splits["train"][:, 1:].tolist()  # train features, in order


def test_splits_are_disjoint_and_cover_every_row():
    data = pd.DataFrame({"row": range(600)})
    splits = preprocess.split(data, validation_fraction=0.15, test_fraction=0.15, seed=42)
    rows = [set(frame["row"]) for frame in splits.values()]
    assert sum(len(part) for part in rows) == 600
    assert set().union(*rows) == set(range(600))
    assert splits["train"]["row"].tolist() != sorted(splits["train"]["row"])  # shuffled


def test_preprocess_is_deterministic(preprocessed, pii_columns, tmp_path):
    assert output_files(run_preprocess(tmp_path, pii_columns)) == output_files(preprocessed)


def test_categoricals_become_one_hot_columns_in_sorted_order(preprocessed):
    header = (preprocessed / "baseline" / "baseline.csv").read_text().splitlines()[0].split(",")
    contracts = [column for column in header if column.startswith("contract_")]
    assert contracts == ["contract_month-to-month", "contract_one-year", "contract_two-year"]
    assert "contract" not in header


def test_a_pii_column_missing_from_the_data_stops_preprocessing(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        run_preprocess(tmp_path, ["email", "ssn"])
    message = str(stopped.value)
    assert message.startswith("preprocess: PII column(s) ssn not in the data")
    assert "\n" not in message
    assert not list(tmp_path.iterdir())  # nothing written


# --- evaluate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "scores", "expected"),
    [
        ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75),  # 3 of 4 positive-negative pairs ranked right
        ([0, 1], [0.5, 0.5], 0.5),  # a tie counts half
        ([0, 0, 1], [0.2, 0.3, 0.9], 1.0),
        ([1, 1, 0], [0.2, 0.3, 0.9], 0.0),
        ([0, 1, 0, 1, 0], [0.1, 0.2, 0.2, 0.7, 0.9], 3.5 / 6),  # 0.2 beats 1, ties 1; 0.7 beats 2
    ],
)
def test_auc_matches_hand_computed_values(labels, scores, expected):
    assert evaluate.auc(np.array(labels), np.array(scores)) == pytest.approx(expected)


def test_auc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        evaluate.auc(np.array([1, 1]), np.array([0.2, 0.9]))


def test_threshold_metrics_match_hand_computed_values():
    labels = np.array([1, 1, 1, 0, 0, 0, 0, 1])
    predictions = np.array([1, 1, 0, 1, 0, 0, 0, 0])  # tp 2, fn 2, fp 1, tn 3
    assert evaluate.confusion(labels, predictions) == {"tp": 2, "fp": 1, "tn": 3, "fn": 2}
    assert evaluate.accuracy(labels, predictions) == pytest.approx(5 / 8)
    assert evaluate.precision(labels, predictions) == pytest.approx(2 / 3)
    assert evaluate.recall(labels, predictions) == pytest.approx(2 / 4)
    assert evaluate.f1(labels, predictions) == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))


def test_no_positive_prediction_means_zero_precision_not_an_error():
    labels, predictions = np.array([1, 0, 1]), np.array([0, 0, 0])
    assert evaluate.precision(labels, predictions) == 0.0
    assert evaluate.f1(labels, predictions) == 0.0


def test_metrics_cut_scores_at_the_cutoff():
    labels, scores = np.array([0, 1, 1]), np.array([0.4, 0.5, 0.45])
    assert evaluate.metrics(labels, scores)["recall"] == pytest.approx(1 / 2)
    assert evaluate.metrics(labels, scores, cutoff=0.45)["recall"] == 1.0
    assert sorted(evaluate.metrics(labels, scores)) == sorted(evaluate.METRIC_NAMES)


def test_bootstrap_spread_is_zero_for_a_perfect_model_and_deterministic():
    labels = np.array([0, 1] * 20)
    assert set(evaluate.bootstrap_std(labels, labels * 0.8 + 0.1).values()) == {0.0}
    noisy = np.linspace(0, 1, 40)
    spread = evaluate.bootstrap_std(labels, noisy)
    assert spread == evaluate.bootstrap_std(labels, noisy)
    assert all(value > 0 for value in spread.values())


def write_test_split(test_dir: Path) -> None:
    """Labels first, one feature that the stand-in model returns as its score."""
    test_dir.mkdir()
    (test_dir / "test.csv").write_text("0,0.1\n0,0.4\n1,0.35\n1,0.8\n")


def run_evaluate(tmp_path: Path, *arguments: str) -> dict:
    write_test_split(tmp_path / "test")
    loaded_from = []

    def load_model(model_dir: Path):
        loaded_from.append(model_dir)
        return lambda features: features[:, 0]

    paths = {
        "--model-dir": "model",
        "--test-dir": "test",
        "--output-dir": "evaluation",
        "--constraints-dir": "model-quality-baseline",
    }
    argv = [part for option, name in paths.items() for part in (option, str(tmp_path / name))]
    evaluate.main([*argv, *arguments], load_model=load_model)
    assert loaded_from == [tmp_path / "model"]
    return json.loads((tmp_path / "evaluation" / "evaluation.json").read_text())


def test_evaluation_json_follows_the_model_quality_format(tmp_path):
    report = run_evaluate(tmp_path)
    metrics = report["binary_classification_metrics"]
    for name in evaluate.METRIC_NAMES:
        assert set(metrics[name]) == {"value", "standard_deviation"}
    assert metrics["auc"]["value"] == pytest.approx(0.75)
    assert metrics["accuracy"]["value"] == pytest.approx(0.75)  # predicts 0, 0, 0, 1
    assert metrics["confusion_matrix"] == {"0": {"0": 2, "1": 0}, "1": {"0": 1, "1": 1}}
    assert report["quality"] == {"metric": "auc", "value": metrics["auc"]["value"]}


def test_quality_names_the_metric_the_project_chose(tmp_path):
    report = run_evaluate(tmp_path, "--quality-metric", "recall")
    assert report["quality"] == {"metric": "recall", "value": 0.5}


def test_an_unknown_quality_metric_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_evaluate(tmp_path, "--quality-metric", "mse")
    assert "invalid choice: 'mse'" in capsys.readouterr().err


def test_model_quality_constraints_hold_prod_to_the_projects_bar(tmp_path):
    """Model Monitor's constraints format: the chosen metric on labelled prod traffic below the minimum
    the model had to reach is a violation."""
    run_evaluate(tmp_path, "--quality-metric", "auc", "--quality-threshold", "0.75")
    constraints = json.loads((tmp_path / "model-quality-baseline" / "constraints.json").read_text())
    assert constraints == {
        "version": 0.0,
        "binary_classification_constraints": {
            "auc": {"threshold": 0.75, "comparison_operator": "LessThanThreshold"}
        },
    }


# --- clarify_config.py, on the preprocessed sample data ---------------------------------------


def run_clarify_config(preprocessed: Path, tmp_path: Path, *arguments: str) -> dict[str, dict]:
    output = tmp_path / "clarify"
    clarify_config.main(
        ["--baseline-dir", str(preprocessed / "baseline"), "--output-dir", str(output), *arguments]
    )
    return {
        str(path.relative_to(output)): json.loads(path.read_text()) for path in sorted(output.rglob("*.json"))
    }


def test_clarify_configs_name_the_label_the_facet_and_the_real_columns(preprocessed, tmp_path, capsys):
    written = run_clarify_config(preprocessed, tmp_path, "--sensitive-attributes", "is_senior=1")
    assert sorted(written) == [
        "bias/analysis_config.json",
        "bias/monitoring_config.json",
        "explainability/analysis_config.json",
        "explainability/monitoring_config.json",
    ]
    features = (preprocessed / "baseline" / "baseline.csv").read_text().splitlines()[0].split(",")
    bias = written["bias/analysis_config.json"]
    # The test split's layout: label first, then the baseline's features (preprocess.py).
    assert bias["headers"] == ["churned", *features] and bias["label"] == "churned"
    assert bias["facet"] == [{"name_or_index": "is_senior", "value_or_threshold": [1.0]}]
    assert bias["methods"]["post_training_bias"] == {"methods": "all"}
    assert bias["predictor"]["content_type"] == bias["predictor"]["accept_type"] == "text/csv"
    shap = written["explainability/analysis_config.json"]["methods"]["shap"]
    (baseline,) = shap["baseline"]
    assert len(baseline) == len(features)  # one mean per feature, none for the label
    # Prod's monitors read captured requests: features only.
    assert written["explainability/monitoring_config.json"]["headers"] == features
    assert "bias check is skipped" not in capsys.readouterr().out


def test_without_sensitive_attributes_the_bias_check_is_skipped_saying_so(preprocessed, tmp_path, capsys):
    written = run_clarify_config(preprocessed, tmp_path, "--sensitive-attributes", "")
    assert sorted(written) == ["explainability/analysis_config.json", "explainability/monitoring_config.json"]
    assert (
        "no sensitive attribute configured for this project: the bias check is skipped"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        (
            "contract=1",
            "contract is not a numeric feature of the training data (a text column, one-hot encoded",
        ),
        ("email=1", "email is not a numeric feature"),  # a PII column: dropped before training
        ("is_senior", "'is_senior' is not column=value"),
        ("=1", "'=1' is not column=value"),
    ],
)
def test_a_sensitive_attribute_the_data_lacks_stops_the_job_naming_the_fix(
    preprocessed, tmp_path, attributes, problem
):
    with pytest.raises(SystemExit) as stopped:
        run_clarify_config(preprocessed, tmp_path, "--sensitive-attributes", attributes)
    assert problem in str(stopped.value) and "fix:" in str(stopped.value)
