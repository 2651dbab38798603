"""`mlp-labels upload PROJECT FILE` (`main` is the console script): validate a CSV of
`inference_id,label` and upload it, as Model Monitor reads labels, to where the project's prod
model-quality and bias monitors look (`monitoring.ground_truth_labels`: the prod monitoring bucket's
`ground-truth/<endpoint>/` prefix; or `monitoring.ground_truth_uri`).

Runs with prod credentials (`--profile`) allowed s3:PutObject there and to encrypt with the prod
serving key (the bucket's default encryption). Exit codes: 0 uploaded, 1 AWS refused, 2 the command
line, config, file or profile is wrong.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import boto3

from labels import format as labels
from operator_cli import args as flags
from operator_cli import config as deployment
from operator_cli.aws import SessionFactory, connect
from operator_cli.command import Tool, run
from operator_cli.errors import CliError, UsageError
from platform_config import PlatformConfig, Project, naming

TOOL = Tool(
    prog="mlp-labels",
    no_credentials_fix="pass --profile with prod credentials, or `aws sso login`",
    unreachable_fix="check the network and your credentials",
)


def parser() -> argparse.ArgumentParser:
    root = flags.Parser(
        prog=TOOL.prog,
        description="Ground-truth labels of prod predictions, for model-quality and bias monitoring.",
        epilog="exit codes: 0 uploaded, 1 AWS refused, 2 wrong arguments, config, file or profile",
    )
    flags.add_config(root)
    flags.add_profile(root, "--profile", "AWS profile for the prod account")
    flags.add_dry_run(root)
    commands = root.add_subparsers(dest="command", required=True)
    upload = commands.add_parser("upload", help="validate a CSV of inference_id,label and upload it")
    upload.add_argument("project", help="the project whose prod endpoint made the predictions")
    upload.add_argument("file", type=Path, help="CSV with the header inference_id,label; labels 0 or 1")
    return root


def destination(config: PlatformConfig, project: Project) -> tuple[str, str]:
    """(bucket, key prefix) of the project's labels, or why there is none."""
    monitoring = project.monitoring
    if monitoring.ground_truth_uri:
        bucket, _, prefix = monitoring.ground_truth_uri.removeprefix("s3://").partition("/")
        return bucket, prefix.rstrip("/")
    if not monitoring.ground_truth_labels:
        raise UsageError(
            f"project {project.name} takes no labels (monitoring.ground_truth_labels is false)",
            f"set monitoring.ground_truth_labels = true for {project.name} and deploy prod, then upload",
        )
    platform, prod = config.platform.name, config.accounts.prod
    endpoint = naming.endpoint(platform, project.name, "prod")
    return naming.bucket(platform, "model-monitor", prod.account_id), naming.ground_truth_prefix(endpoint)


def read_labels(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        return labels.to_jsonl(labels.parse_csv(text))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}", "pass the path of the labels CSV") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", "save the labels as a UTF-8 CSV") from None
    except labels.LabelError as error:
        problem, _, fix = str(error).partition("; fix: ")
        raise UsageError(f"{path}: {problem}", fix) from None


def _command(
    argv: Sequence[str] | None, session_factory: SessionFactory, now: Callable[[], datetime]
) -> None:
    args = parser().parse_args(argv)
    config = deployment.load(args.config)
    project = deployment.project(config, args.project, args.config)
    bucket, prefix = destination(config, project)
    body = read_labels(args.file)
    key = labels.object_key(prefix, now(), body)
    prod = config.accounts.prod
    aws = connect(
        session_factory,
        args.profile,
        prod.region,
        account="prod",
        profile_flag="--profile",
        region_from="accounts.prod",
        dry_run=args.dry_run,
    )
    if not args.dry_run:
        aws.require_account(
            prod.account_id,
            lambda actual: CliError(
                f"your credentials are for account {actual}, but accounts.prod in the config is {prod.account_id}",
                f"pass --profile with credentials for account {prod.account_id}",
            ),
        )
    with aws.refusals_explained():
        aws.change("s3", "put_object", Bucket=bucket, Key=key, Body=body, ContentType="application/jsonlines")
    if not args.dry_run:
        print(f"uploaded {body.count(chr(10))} label(s) to s3://{bucket}/{key}")


def main(
    argv: Sequence[str] | None = None,
    *,
    session_factory: SessionFactory = boto3.Session,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Upload; return the exit code. Tests hand in their sessions and clock."""
    return run(TOOL, lambda: _command(argv, session_factory, now))
