"""The one-line failures the tools report: each names the problem and the fix, and picks the exit code."""

from __future__ import annotations

import sys

DONE, REFUSED, USAGE = 0, 1, 2


class CliError(Exception):
    """A failure shown as `error: <problem>; fix: <fix>`; exit code 1: AWS or the state there said no."""

    exit_code = REFUSED

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; fix: {fix}")


class UsageError(CliError):
    """What was typed (arguments, config file, profile) is wrong; exit code 2."""

    exit_code = USAGE


def fail(line: str, code: int) -> int:
    """Print the failure on stderr as one line with the one prefix (whatever line breaks a message
    from AWS or a library brought); give back the exit code."""
    print(f"error: {' '.join(line.split())}", file=sys.stderr)
    return code
