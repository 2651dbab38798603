"""Before `make diff` / `make deploy`: the profile signs in to the account the config names for the
stage, or one line says which profile or SSO login is needed — instead of the CDK CLI's many lines
after it has started.

Usage: python -m tooling.deploy_check --config PATH --stage dev|test|prod [--profile PROFILE]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import boto3

from operator_cli import args as flags
from operator_cli import config as deployment
from operator_cli.aws import SessionFactory, connect
from operator_cli.command import Tool, run
from operator_cli.errors import CliError, fail
from platform_config import ACCOUNT_ROLES


def tool(profile: str | None) -> Tool:
    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
    return Tool(
        prog="make diff|deploy",
        no_credentials_fix=f"sign in with `{login}` (or pass PROFILE= naming a profile with credentials)",
        unreachable_fix=f"check the network and the profile's sign-in (`{login}`)",
    )


def parser() -> flags.Parser:
    parser = flags.Parser(prog="python -m tooling.deploy_check", description=__doc__.split("\n\n")[0])
    flags.add_config(parser)
    parser.add_argument("--stage", required=True, choices=ACCOUNT_ROLES, help="the account to diff or deploy")
    flags.add_profile(
        parser, "--profile", "the AWS profile for that account (default: the default credential chain)"
    )
    return parser


def check(config_path: str, stage: str, profile: str | None, session_factory: SessionFactory) -> None:
    account = getattr(deployment.load(config_path).accounts, stage)
    aws = connect(
        session_factory,
        profile,
        account.region,
        account=stage,
        profile_flag="PROFILE=",
        region_from=f"accounts.{stage}.region in {config_path}",
    )
    named = f"profile {profile!r}" if profile else "the default credentials"

    def wrong(actual: str) -> CliError:
        return CliError(
            f"{named} sign in to account {actual}, but {config_path} puts {stage} in {account.account_id}",
            f"pass PROFILE= naming a profile for {account.account_id}",
        )

    aws.require_account(account.account_id, wrong)
    print(f"{stage}: {named} sign in to {account.account_id} ({account.region})")


def main(argv: Sequence[str] | None = None, session_factory: SessionFactory = boto3.Session) -> int:
    try:
        args = parser().parse_args(argv)
    except CliError as error:  # before the profile is known, so before `run` can name it
        return fail(str(error), error.exit_code)
    return run(tool(args.profile), lambda: check(args.config, args.stage, args.profile, session_factory))


if __name__ == "__main__":
    sys.exit(main())
