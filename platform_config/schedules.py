"""Model Monitor's schedule grammar: SageMaker accepts a few six-field cron forms, not EventBridge's
whole cron syntax, and refuses anything else only when the schedule is created (at deploy).

The forms AWS documents for `ScheduleConfig.ScheduleExpression`
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ScheduleConfig.html and
https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-schedule-expression.html): hourly
`cron(0 * ? * * *)`, daily `cron(0 [00-23] ? * * *)`, every N hours from hour H
`cron(0 [00-23]/[01-24] ? * * *)`, and `NOW`, which runs one job at once and requires
`DataAnalysisStartTime` and `DataAnalysisEndTime`: the platform monitors on a recurring schedule and
sets no analysis window, so it refuses `NOW`.
"""

from __future__ import annotations

import re

_CRON = re.compile(r"cron\((?P<fields>[^()]*)\)")
_HOUR = r"(?:[01]?\d|2[0-3])"  # 0-23, with or without a leading zero
_HOURS = re.compile(rf"\*|{_HOUR}|{_HOUR}/(?:0?[1-9]|1\d|2[0-4])")
ACCEPTED = (
    "'cron(0 * ? * * *)' (hourly), 'cron(0 H ? * * *)' (daily at hour H UTC, 0-23) or "
    "'cron(0 H/N ? * * *)' (every N hours from hour H, N 1-24)"
)


def schedule_problem(expression: str) -> str | None:
    """Why SageMaker Model Monitor would refuse `expression` on the platform, or None."""
    if expression.strip().upper() == "NOW":
        return (
            "runs one monitoring job once and needs DataAnalysisStartTime/EndTime, which the platform "
            "does not set (it monitors on a recurring schedule)"
        )
    match = _CRON.fullmatch(expression)
    if not match:
        return "is not a Model Monitor schedule expression (rate() and free text are not accepted)"
    fields = match["fields"].split(" ")
    if len(fields) != 6:
        return (
            f"has {len(fields)} cron fields; Model Monitor's cron has 6 "
            "(minute hour day-of-month month day-of-week year)"
        )
    minute, hours, *rest = fields
    if minute != "0" or not _HOURS.fullmatch(hours) or rest != ["?", "*", "*", "*"]:
        return "is a cron form Model Monitor does not run (it starts jobs on the hour, hourly or daily)"
    return None


def monitoring_schedule(expression: str) -> str:
    problem = schedule_problem(expression)
    if problem:
        raise ValueError(f"'{expression}' {problem}; fix: use {ACCEPTED}")
    return expression
