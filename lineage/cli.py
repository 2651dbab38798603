"""Arguments and exit codes of `mlp-lineage` (`main` is the console script).

    mlp-lineage --config config/mine.toml [--profile-dev P] [--profile-prod P] \\
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
from collections.abc import Sequence

import boto3
from botocore.exceptions import ClientError

from lineage import chain, render, stage_history
from lineage.link import EndpointNotFound, Link
from operator_cli import args as flags
from operator_cli import config as deployment
from operator_cli.aws import STALE_CREDENTIALS, Aws, SessionFactory, connect, error_code, refused
from operator_cli.command import Tool, run
from operator_cli.errors import CliError
from platform_config import Account, PlatformConfig, naming

TOOL = Tool(
    prog="mlp-lineage",
    no_credentials_fix="pass --profile-dev and --profile-prod, or `aws sso login`",
    unreachable_fix="check the network and your credentials",
)
_ENDPOINT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")


def _endpoint_name(text: str) -> str:
    if not _ENDPOINT_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a SageMaker endpoint name")
    return text


def parser() -> argparse.ArgumentParser:
    root = flags.Parser(
        prog=TOOL.prog,
        description="Where did this prediction come from? Print the chain from a prod endpoint to the "
        "model package, its approval, the pipeline execution and training job that built it, the "
        "training data and the code version.",
        epilog="exit codes: 0 chain printed (unfollowable links say unknown), 1 AWS refused or no such "
        "endpoint, 2 wrong arguments, config or profile",
    )
    flags.add_config(root)
    flags.add_profile(root, "--profile-dev", "AWS profile for the dev account (registry, pipelines, jobs)")
    flags.add_profile(root, "--profile-prod", "AWS profile for the prod account (endpoint, config, model)")
    which = root.add_mutually_exclusive_group(required=True)
    which.add_argument("--endpoint", metavar="NAME", type=_endpoint_name, help="a prod endpoint's name")
    which.add_argument("--project", metavar="NAME", help="a project from the config: its prod endpoint")
    root.add_argument("--json", action="store_true", help="print the chain as JSON, for auditors' tools")
    return root


def endpoint_name(config: PlatformConfig, args: argparse.Namespace) -> str:
    """The endpoint named, or the project's prod endpoint."""
    if args.endpoint:
        return args.endpoint
    project = deployment.project(config, args.project, args.config)
    return naming.endpoint(config.platform.name, project.name, "prod")


def _require_account(aws: Aws, account_id: str) -> None:
    """Refuse credentials for another account: the walk would report what is not there."""
    role, flag = aws.account, aws.profile_flag

    def wrong(actual: str) -> CliError:
        return CliError(
            f"your {role} credentials are for account {actual}, but accounts.{role} in the config is {account_id}",
            f"pass {flag} with credentials for account {account_id}",
        )

    try:
        aws.require_account(account_id, wrong)
    except ClientError as error:
        code = error_code(error)
        fix = "refresh them (e.g. `aws sso login`)" if code in STALE_CREDENTIALS else "use other ones"
        raise CliError(
            f"the {role} account's credentials were refused: {code}", f"{fix}, or pass {flag}"
        ) from None


def _connect(session_factory: SessionFactory, role: str, account: Account, profile: str | None) -> Aws:
    """AWS in the account of that role (prod or dev), whose fixes name its flag and config key."""
    flag, key = f"--profile-{role}", f"accounts.{role}"
    return connect(session_factory, profile, account.region, account=role, profile_flag=flag, region_from=key)


def _walk(prod: Aws, dev: Aws, name: str, prod_account: Account) -> list[Link]:
    try:
        return chain.walk(prod.client("sagemaker"), dev.client("sagemaker"), name, dev.client("s3"))
    except EndpointNotFound:
        raise CliError(
            f"no endpoint {name} in the prod account {prod_account.account_id} ({prod_account.region})",
            "check the name (`aws sagemaker list-endpoints` with prod credentials); a project's prod "
            "endpoint exists once a model version has been promoted to prod",
        ) from None
    except ClientError as error:
        fix = "use prod credentials allowed sagemaker:DescribeEndpoint (--profile-prod)"
        raise refused(error, fix, f"of {name} in prod") from None


def _command(argv: Sequence[str] | None, session_factory: SessionFactory) -> None:
    args = parser().parse_args(argv)
    config = deployment.load(args.config)
    name = endpoint_name(config, args)
    accounts = {"prod": config.accounts.prod, "dev": config.accounts.dev}
    prod = _connect(session_factory, "prod", accounts["prod"], args.profile_prod)
    dev = _connect(session_factory, "dev", accounts["dev"], args.profile_dev)
    _require_account(prod, accounts["prod"].account_id)
    _require_account(dev, accounts["dev"].account_id)
    links = _walk(prod, dev, name, accounts["prod"])
    audit = dev.session.resource("dynamodb", region_name=dev.region).Table(
        naming.audit_table(config.platform.name)
    )
    links = stage_history.with_history(links, audit, {p.package_group_name: p.name for p in config.projects})
    if args.json:
        described = {role: {"account_id": a.account_id, "region": a.region} for role, a in accounts.items()}
        print(render.as_json(links, endpoint=name, accounts=described))
    else:
        print(render.text(links))


def main(argv: Sequence[str] | None = None, *, session_factory: SessionFactory = boto3.Session) -> int:
    """Print the chain; return the exit code. `session_factory` lets tests hand in their sessions."""
    return run(TOOL, lambda: _command(argv, session_factory))
