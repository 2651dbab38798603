"""How often a SageMaker/EventBridge schedule expression runs in a month, and how to say it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_CRON_MONTHS = {month: i for i, month in enumerate(_MONTH_NAMES, start=1)}
_CRON_DAYS = {day: i for i, day in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_CRON = re.compile(r"cron\((.*)\)")


@dataclass(frozen=True)
class Schedule:
    runs_per_month: float
    label: str  # "hourly", "daily", "every 6 hours", ...
    understood: bool = True


@dataclass(frozen=True)
class _Cron:
    minutes: set[int]
    hours: set[int]
    days_of_month: set[int]
    months: set[int]
    days_of_week: set[int]
    dom_field: str
    dow_field: str


def parse_schedule(expression: Any, hours_per_month: float = 730.0) -> Schedule:
    """Runs a month of a SageMaker/EventBridge schedule expression; hourly (flagged) if unreadable.

    `cron(minutes hours day-of-month month day-of-week [year])`, `rate(N unit)` and `NOW` (one run).
    """
    if not isinstance(expression, str) or not expression.strip():
        return Schedule(hours_per_month, "hourly (assumed: no schedule expression)", understood=False)
    text = expression.strip()
    if text.upper() == "NOW":
        return Schedule(0.0, "once (NOW), not monthly")
    try:
        if match := _RATE.fullmatch(text):
            return _rate(int(match[1]), match[2], text, hours_per_month)
        cron = _read_cron(text)
    except (ValueError, KeyError):
        return Schedule(hours_per_month, f"hourly (assumed: could not read {text!r})", understood=False)
    return _cron_schedule(cron, hours_per_month)


def _rate(every: int, unit: str, text: str, hours_per_month: float) -> Schedule:
    minutes = every * {"m": 1, "h": 60, "d": 1440}[unit[0]]
    if every < 1:
        raise ValueError(text)
    runs = hours_per_month * 60 / minutes
    return Schedule(runs, "hourly" if minutes == 60 else f"every {every} {unit}")


def _read_cron(text: str) -> _Cron:
    if not (match := _CRON.fullmatch(text)):
        raise ValueError(text)
    fields = match[1].split()
    if len(fields) not in (5, 6):
        raise ValueError(text)
    minute_f, hour_f, dom_f, month_f, dow_f = fields[:5]
    return _Cron(
        minutes=_cron_field(minute_f, 0, 59),
        hours=_cron_field(hour_f, 0, 23),
        days_of_month=_cron_field(dom_f, 1, 31),
        months=_cron_field(month_f, 1, 12, _CRON_MONTHS),
        days_of_week=_cron_field(dow_f, 1, 7, _CRON_DAYS),
        dom_field=dom_f,
        dow_field=dow_f,
    )


def _cron_schedule(cron: _Cron, hours_per_month: float) -> Schedule:
    days_per_month = hours_per_month / 24
    per_day = len(cron.minutes) * len(cron.hours)
    if cron.dom_field not in ("*", "?"):
        days, days_label = float(len(cron.days_of_month)), f", on {len(cron.days_of_month)} days a month"
    elif cron.dow_field not in ("*", "?"):
        days, days_label = (
            len(cron.days_of_week) / 7 * days_per_month,
            f", {len(cron.days_of_week)} days a week",
        )
    else:
        days, days_label = days_per_month, ""
    months_label = "" if len(cron.months) == 12 else f", {len(cron.months)} months a year"
    runs = per_day * days * len(cron.months) / 12
    return Schedule(runs, _daily_label(cron, per_day) + days_label + months_label)


def _daily_label(cron: _Cron, per_day: int) -> str:
    hours_sorted = sorted(cron.hours)
    gaps = {
        (b - a) % 24 or 24 for a, b in zip(hours_sorted, hours_sorted[1:] + hours_sorted[:1], strict=True)
    }
    if per_day == 24 and len(cron.minutes) == 1:
        return "hourly"
    if per_day == 1:
        return "daily"
    if len(cron.minutes) == 1 and len(gaps) == 1:
        return f"every {gaps.pop()} hours"
    return f"{per_day} times a day"


def _cron_field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))

    def value(token: str) -> int:
        token = token.upper()
        return names[token] if names and token in names else int(token)

    out: set[int] = set()
    for part in text.split(","):
        step = None
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError(text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start, end = (value(t) for t in part.split("-", 1))
        else:
            start = value(part)
            end = high if step else start
        if not low <= start <= end <= high:
            raise ValueError(text)
        out.update(range(start, end + 1, step or 1))
    return out
