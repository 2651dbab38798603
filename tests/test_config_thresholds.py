"""Thresholds: the quality gate's metric is one the model-build pipeline computes and its minimum is in
the metric's range; the alarm thresholds can fire."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.definition import DEFINITION_FILE
from pipelines.scripts.evaluate import METRIC_NAMES
from platform_config import quality, schema
from platform_config.quality import METRIC_RANGES
from tests.config_edits import edit, loads, refusal

GATE = 'quality_threshold = { name = "auc", minimum = 0.75 }'


def _gate(name: str, minimum: float | str) -> str:
    return edit(GATE, f'quality_threshold = {{ name = "{name}", minimum = {minimum} }}')


def test_the_metrics_are_the_ones_the_pipeline_computes_and_gates_on():
    definition = json.loads(DEFINITION_FILE.read_text(encoding="utf-8"))
    parameter = next(p for p in definition["Parameters"] if p["Name"] == "QualityMetric")
    assert list(METRIC_RANGES) == list(METRIC_NAMES) == parameter["EnumValues"]


@pytest.mark.parametrize("name", ["roc_auc", "AUC", "rmse", "f2", ""])
def test_a_metric_the_pipeline_does_not_compute_is_refused(name):
    message = refusal(_gate(name, 0.5))
    assert message.startswith(f"projects[0].quality_threshold: name '{name}' is not a metric the model-build")
    assert "fix: use " in message


@pytest.mark.parametrize(
    ("minimum", "outcome"),
    [
        (2.0, "no model can ever pass"),
        (1.01, "no model can ever pass"),
        (-0.1, "every model passes"),
        ("nan", "no model can ever pass"),
        ("inf", "no model can ever pass"),
    ],
)
def test_a_minimum_outside_the_metrics_range_is_refused(minimum, outcome):
    message = refusal(_gate("auc", minimum))
    assert message.startswith("projects[0].quality_threshold: minimum ")
    assert outcome in message and "fix: use a minimum between 0 and 1" in message


@given(st.sampled_from(list(METRIC_RANGES)), st.floats(0, 1))
def test_every_minimum_in_range_is_accepted(name, minimum):
    assert quality.threshold_problem(name, minimum) is None


@pytest.mark.parametrize("minimum", [0, 1.0])
def test_the_ranges_edges_load(minimum):
    assert loads(_gate("f1", minimum)).projects[0].quality_threshold.minimum == minimum


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "retrain_on_drift = true }",
            "retrain_on_drift = true, drift_alarm_threshold = 1.0 }",
            "projects[0].monitoring.drift_alarm_threshold must be less than 1; fix:",
        ),
        (
            "retrain_on_drift = true }",
            "retrain_on_drift = true, drift_alarm_threshold = 0 }",
            "projects[0].monitoring.drift_alarm_threshold must be greater than 0; fix:",
        ),
        (
            "data_capture_percent = 20 }",
            "data_capture_percent = 20, error_rate_alarm_percent = 100 }",
            "projects[0].prod_serving.error_rate_alarm_percent must be less than 100; fix:",
        ),
    ],
)
def test_an_alarm_threshold_that_could_never_fire_is_refused(old, new, expected):
    assert refusal(edit(old, new)).startswith(expected)


def test_without_the_range_check_an_unreachable_gate_loads(monkeypatch):
    """Negative control: with the check planted out, the refusals above would fail."""
    monkeypatch.setattr(schema, "threshold_problem", lambda name, minimum: None)
    assert loads(_gate("auc", 2.0)).projects[0].quality_threshold.minimum == 2.0
