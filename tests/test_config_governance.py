"""The governance keys: audit-record retention and each project's model card, refused in one line."""

from __future__ import annotations

import pytest

from tests.config_edits import edit, loads, refusal

RETENTION = "audit_retention_days = 2555"
RISK = 'risk_rating = "Medium"'


def test_the_example_sets_both():
    config = loads(edit(RETENTION, RETENTION))
    assert config.platform.audit_retention_days == 2555
    assert config.projects[0].model_card.risk_rating == "Medium"


@pytest.mark.parametrize("days", ["1", "36500"])
def test_retention_bounds_are_accepted(days):
    assert loads(edit(RETENTION, f"audit_retention_days = {days}")).platform.audit_retention_days == int(days)


@pytest.mark.parametrize(("days", "expected"), [("0", "at least 1"), ("36501", "at most 36500")])
def test_retention_outside_its_range_is_refused_in_one_line(days, expected):
    line = refusal(edit(RETENTION, f"audit_retention_days = {days}"))
    assert line.startswith("platform.audit_retention_days")
    assert expected in line and "; fix: " in line


def test_a_risk_rating_the_model_card_schema_does_not_allow_is_refused():
    line = refusal(edit(RISK, 'risk_rating = "Severe"'))
    assert "projects[0].model_card.risk_rating" in line and "'High'" in line and "; fix: " in line


def test_an_intended_use_longer_than_the_card_allows_is_refused():
    use = (
        'intended_use = "Rank existing customers by churn risk for retention offers; '
        'not for pricing or credit decisions."'
    )
    line = refusal(edit(use, f'intended_use = "{"x" * 2049}"'))
    assert line.startswith("projects[0].model_card.intended_use") and "at most 2048 characters" in line
