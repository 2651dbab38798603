"""Arguments and exit codes of `python -m lineage`.

    python -m lineage --config config/mine.toml [--profile-dev P] [--profile-prod P] \\
        (--endpoint NAME | --project NAME) [--json]

The endpoint, its config and its model are read in the prod account (`accounts.prod`: region, and the
credentials of --profile-prod); the model package, pipeline execution and training job in the dev
account (`accounts.dev`, --profile-dev). Without a profile, the default credential chain is used.

Exit codes: 0 the chain was printed (links that could not be followed say `unknown: <reason>`);
1 AWS refused: no such endpoint in prod, credentials missing or for the wrong account; 2 the command
line, config file or profile is wrong. Every failure is one line on stderr that names the problem and
the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from lineage import chain, render
from platform_config import ConfigError, PlatformConfig, load_config, naming
from promotion_cli.aws import STALE_CREDENTIALS, Aws
from promotion_cli.errors import CliError, UsageError

PROG = "python -m lineage"
_ENDPOINT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (problem and fix) with exit code 2, like every other error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, f"see `{self.prog} --help`")


def _endpoint_name(text: str) -> str:
    if not _ENDPOINT_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a SageMaker endpoint name")
    return text


def parser() -> argparse.ArgumentParser:
    root = _Parser(
        prog=PROG,
        description="Where did this prediction come from? Print the chain from a prod endpoint to the "
        "model package, its approval, the pipeline execution and training job that built it, the "
        "training data and the code version.",
        epilog="exit codes: 0 chain printed (unfollowable links say unknown), 1 AWS refused or no such "
        "endpoint, 2 wrong arguments, config or profile",
    )
    root.add_argument("--config", required=True, help="the deployment's TOML file, e.g. config/mine.toml")
    root.add_argument(
        "--profile-dev", metavar="PROFILE", help="AWS profile for the dev account (registry, pipelines, jobs)"
    )
    root.add_argument(
        "--profile-prod", metavar="PROFILE", help="AWS profile for the prod account (endpoint, config, model)"
    )
    which = root.add_mutually_exclusive_group(required=True)
    which.add_argument("--endpoint", metavar="NAME", type=_endpoint_name, help="a prod endpoint's name")
    which.add_argument("--project", metavar="NAME", help="a project from the config: its prod endpoint")
    root.add_argument("--json", action="store_true", help="print the chain as JSON, for auditors' tools")
    return root


def endpoint_name(config: PlatformConfig, args: argparse.Namespace) -> str:
    """The endpoint named, or the project's prod endpoint."""
    if args.endpoint:
        return args.endpoint
    if not any(project.name == args.project for project in config.projects):
        known = ", ".join(project.name for project in config.projects)
        raise UsageError(f"unknown project {args.project!r} in {args.config}", f"use one of: {known}")
    return naming.endpoint(config.platform.name, args.project, "prod")


def _account(aws: Aws, role: str, account_id: str) -> None:
    """Refuse credentials for another account: the walk would report what is not there."""
    flag = f"--profile-{role}"
    try:
        actual = aws.identity["Account"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        fix = "refresh them (e.g. `aws sso login`)" if code in STALE_CREDENTIALS else "use other ones"
        problem = f"the {role} account's credentials were refused: {code}"
        raise CliError(problem, f"{fix}, or pass {flag}") from None
    if actual != account_id:
        raise CliError(
            f"your {role} credentials are for account {actual}, "
            f"but accounts.{role} in the config is {account_id}",
            f"pass {flag} with credentials for account {account_id}",
        )


def run(args: argparse.Namespace, session_factory: Callable[..., boto3.Session]) -> None:
    config = load_config(args.config)
    name = endpoint_name(config, args)
    accounts = {"prod": config.accounts.prod, "dev": config.accounts.dev}
    profiles = {"prod": args.profile_prod, "dev": args.profile_dev}
    aws = {
        role: Aws(session_factory(profile_name=profiles[role]), account.region, dry_run=False)
        for role, account in accounts.items()
    }
    for role, account in accounts.items():
        _account(aws[role], role, account.account_id)
    try:
        links = chain.walk(aws["prod"].client("sagemaker"), aws["dev"].client("sagemaker"), name)
    except chain.EndpointNotFound:
        prod = accounts["prod"]
        raise CliError(
            f"no endpoint {name} in the prod account {prod.account_id} ({prod.region})",
            "check the name (`aws sagemaker list-endpoints` with prod credentials); a project's prod "
            "endpoint exists once a model version has been promoted to prod",
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        message = " ".join(error.response.get("Error", {}).get("Message", "").split()).rstrip(".")
        raise CliError(
            f"AWS refused {error.operation_name} of {name} in prod: {code}: {message}",
            "use prod credentials allowed sagemaker:DescribeEndpoint (--profile-prod)",
        ) from None
    if args.json:
        described = {role: {"account_id": a.account_id, "region": a.region} for role, a in accounts.items()}
        print(render.as_json(links, endpoint=name, accounts=described))
    else:
        print(render.text(links))


def main(
    argv: Sequence[str] | None = None, *, session_factory: Callable[..., boto3.Session] = boto3.Session
) -> int:
    """Print the chain; return the exit code. `session_factory` lets tests hand in their sessions."""
    try:
        run(parser().parse_args(argv), session_factory)
    except CliError as error:
        return _fail(str(error), error.exit_code)
    except ConfigError as error:
        return _fail(f"config error: {error}", UsageError.exit_code)
    except ProfileNotFound as error:
        return _fail(f"{error}; fix: pick one from `aws configure list-profiles`", UsageError.exit_code)
    except NoCredentialsError:
        return _fail(
            "no AWS credentials found; fix: pass --profile-dev and --profile-prod, or `aws sso login`", 1
        )
    except BotoCoreError as error:
        return _fail(f"AWS call failed: {error}; fix: check the network and your credentials", 1)
    return 0


def _fail(line: str, code: int) -> int:
    print(f"error: {line}", file=sys.stderr)
    return code
