"""Model Monitor schedules: SageMaker's documented cron forms load, anything else is refused at load
with the accepted forms (platform_config/schedules.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platform_config import schedules
from platform_config.schedules import ACCEPTED, schedule_problem
from tests.config_edits import edit, loads, refusal

HOURLY = 'schedule = "cron(0 * ? * * *)"'


def _with(schedule: str) -> str:
    return edit(HOURLY, f'schedule = "{schedule}"')


hours = st.integers(0, 23)
every = st.integers(1, 24)
documented = st.one_of(
    st.just("cron(0 * ? * * *)"),
    hours.map(lambda h: f"cron(0 {h} ? * * *)"),
    hours.map(lambda h: f"cron(0 {h:02d} ? * * *)"),
    st.tuples(hours, every).map(lambda hn: f"cron(0 {hn[0]}/{hn[1]} ? * * *)"),
    st.tuples(hours, every).map(lambda hn: f"cron(0 {hn[0]:02d}/{hn[1]:02d} ? * * *)"),
)


@given(documented)
def test_every_documented_form_is_accepted(schedule):
    assert schedule_problem(schedule) is None


def test_a_documented_edge_value_loads():
    assert loads(_with("cron(0 23/24 ? * * *)")).projects[0].monitoring.schedule == "cron(0 23/24 ? * * *)"


BAD = [
    "every hour",  # free text
    "rate(1 hour)",  # EventBridge's, not Model Monitor's
    "cron(0 * * * *)",  # five fields
    "0 * ? * * *",  # no cron( )
    "cron(30 * ? * * *)",  # not on the hour
    "cron(0 24 ? * * *)",  # hour out of range
    "cron(0 0/25 ? * * *)",  # interval out of range
    "cron(0 0/0 ? * * *)",
    "cron(0 12 ? * MON *)",  # day of week
    "cron(0 12 1 * ? *)",  # day of month
    "cron(0 12 ? * * 2030)",  # a year
    "NOW",  # one-time: needs an analysis window the platform does not set
    "now",
    "",
]


@pytest.mark.parametrize("schedule", BAD)
def test_a_bad_schedule_is_refused_with_the_accepted_forms(schedule):
    message = refusal(_with(schedule))
    assert message.startswith(f"projects[0].monitoring.schedule: '{schedule}' ")
    assert message.endswith(f"fix: use {ACCEPTED}")


FIELDS = ["0", "5", "*", "?", "12", "0/2", "23/24", "24", "7/0", "MON", "1-5", "L", "2030"]
DOCUMENTED_HOURS = {"*", "0", "5", "12", "0/2", "23/24"}


@given(st.lists(st.sampled_from(FIELDS), min_size=4, max_size=7))
def test_a_cron_is_accepted_only_in_a_documented_shape(fields):
    documented = (
        len(fields) == 6
        and fields[0] == "0"
        and fields[1] in DOCUMENTED_HOURS
        and fields[2:] == ["?", "*", "*", "*"]
    )
    assert (schedule_problem(f"cron({' '.join(fields)})") is None) == documented


def test_without_the_grammar_a_five_field_cron_loads(monkeypatch):
    """Negative control: with the check planted out, the refusals above would fail."""
    monkeypatch.setattr(schedules, "schedule_problem", lambda expression: None)
    assert loads(_with("cron(0 * * * *)")).projects[0].monitoring.schedule == "cron(0 * * * *)"
