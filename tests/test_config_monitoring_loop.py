"""The monitoring loop's keys: the label and sensitive attributes SageMaker Clarify checks, where labels
arrive, and the bias alarm's threshold, each refused in one line with the fix when it cannot work."""

from __future__ import annotations

import pytest

from tests.config_edits import edit, loads, refusal

ATTRIBUTES = 'sensitive_attributes = [{ column = "is_senior", value = 1 }]'
LABELS = "ground_truth_labels = true"


def test_the_example_checks_is_senior_for_bias_and_takes_labels():
    project = loads(edit(ATTRIBUTES, ATTRIBUTES)).projects[0]
    assert [(a.column, a.value) for a in project.sensitive_attributes] == [("is_senior", 1.0)]
    assert project.label_column == "churned"
    assert project.monitoring.ground_truth_labels and project.monitoring.labelled
    assert project.monitoring.bias_alarm_threshold == 0.1


def test_without_sensitive_attributes_or_labels_the_config_loads():
    """Both optional: no bias check (said in the pipeline's log), and no model-quality monitor."""
    project = loads(
        edit(LABELS, "ground_truth_labels = false", edit(ATTRIBUTES, "sensitive_attributes = []"))
    ).projects[0]
    assert project.sensitive_attributes == () and not project.monitoring.labelled


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (
            'sensitive_attributes = [{ column = "email", value = 1 }]',
            "'email' is a PII column, dropped before training",
        ),
        ('sensitive_attributes = [{ column = "churned", value = 1 }]', "'churned' is the label"),
        (
            'sensitive_attributes = [{ column = "is_senior", value = 1 }, { column = "is_senior", value = 0 }]',
            "two sensitive attributes share the column 'is_senior'",
        ),
        (
            'sensitive_attributes = [{ column = "is_senior", value = 1 }, { column = "isSenior", value = 1 }]',
            "(as 'is_senior' and 'isSenior', the same name to AWS or CDK)",
        ),
        (
            'sensitive_attributes = [{ column = "is senior", value = 1 }]',
            "projects[0].sensitive_attributes[0].column is not a column name; fix: use letters, digits",
        ),
    ],
)
def test_a_sensitive_attribute_that_cannot_be_checked_is_refused(new, problem):
    assert problem in refusal(edit(ATTRIBUTES, new))


def test_a_label_column_dropped_as_pii_is_refused():
    text = edit(
        'label_column = "churned"', 'label_column = "phone"', edit(ATTRIBUTES, "sensitive_attributes = []")
    )
    assert "label_column 'phone' is listed in pii_columns" in refusal(text)


def test_two_label_locations_are_refused():
    message = refusal(edit(LABELS, f'{LABELS}, ground_truth_uri = "s3://labels-bucket/churn"'))
    assert message.startswith("projects[0].monitoring: ground_truth_uri and ground_truth_labels = true")


@pytest.mark.parametrize("threshold", ["0", "1", "1.5", "-0.1"])
def test_a_bias_alarm_threshold_dppl_cannot_cross_is_refused(threshold):
    """|DPPL| lies in 0..1 and the alarm fires above the threshold: 0 always fires, 1 never."""
    message = refusal(edit(LABELS, f"{LABELS}, bias_alarm_threshold = {threshold}"))
    assert "bias_alarm_threshold" in message
