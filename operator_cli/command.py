"""A tool's run: whatever fails becomes one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from operator_cli.aws import refused
from operator_cli.errors import DONE, REFUSED, USAGE, CliError, fail
from platform_config import ConfigError


@dataclass(frozen=True)
class Tool:
    """What a tool is called, and what to do when it has no credentials or cannot reach AWS.

    `prog` is how the user runs it, its console script's name in pyproject.toml (`mlp-promote`):
    help and usage fixes say it."""

    prog: str
    no_credentials_fix: str
    unreachable_fix: str


def run(tool: Tool, work: Callable[[], None]) -> int:
    """Do the work; return the exit code: 0 done, 1 AWS or its state refused, 2 usage."""
    try:
        work()
    except CliError as error:
        return fail(str(error), error.exit_code)
    except ConfigError as error:  # `<file>: <key> <problem>; fix: ...`: the file names the config
        return fail(str(error), USAGE)
    except ProfileNotFound as error:
        return fail(f"{error}; fix: pick one from `aws configure list-profiles`", USAGE)
    except NoCredentialsError:
        return fail(f"no AWS credentials found; fix: {tool.no_credentials_fix}", REFUSED)
    except ClientError as error:  # a refusal the tool did not explain itself
        return fail(str(refused(error, "read the AWS message above; the call is named in it")), REFUSED)
    except BotoCoreError as error:
        return fail(f"AWS call failed: {error}; fix: {tool.unreachable_fix}", REFUSED)
    return DONE
