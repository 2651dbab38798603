"""The tools' argument conventions, so the same flag means the same thing in every command.

    --config PATH      the deployment's TOML file (required)
    --profile PROFILE  the AWS profile to use (a tool reading two accounts has one per account)
    --region REGION    where to work, when it may differ from the config's
    --dry-run          on every command that changes something: print the change, make none

A mistake on the command line is one line with exit code 2, like every other failure.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from operator_cli.errors import UsageError


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (problem and fix) with exit code 2, like every other error.

    Its subcommands' parsers are `Parser`s too (argparse makes them of the parent's class)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see `{self.prog} --help`")


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="the deployment's TOML file, e.g. config/mine.toml")


def add_profile(parser: argparse.ArgumentParser, flag: str, help: str) -> None:
    """`--profile`, or one per account (`--profile-dev`): the tool names it, as its messages do."""
    parser.add_argument(flag, metavar="PROFILE", help=help)


def add_region(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--region", help=help)


def add_dry_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="print the change; make none")


def positive(text: str) -> int:
    """An argument type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)
