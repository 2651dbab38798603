"""The one-line failures the tool reports: each names the problem and the fix, and picks the exit code."""

from __future__ import annotations


class CliError(Exception):
    """A failure shown as `error: <problem>; fix: <fix>`; exit code 1: AWS or the state there said no."""

    exit_code = 1

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; fix: {fix}")


class UsageError(CliError):
    """What was typed (arguments, config file, profile) is wrong; exit code 2."""

    exit_code = 2
