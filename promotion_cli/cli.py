"""Arguments, commands and exit codes of `mlp-promote` (`main` is the console script).

Exit codes: 0 done; 1 AWS or the state there refused (credentials, permissions, unknown version,
wrong approval status, nothing waiting at the gate); 2 the command line, config file or profile is
wrong. Every failure is one line on stderr that names the problem and the fix, never a traceback
(`operator_cli` makes it so, for this tool and `lineage` alike).

`--dry-run` prints the one call a command would make and calls nothing: the call is built from the
config and the arguments; the checks that read AWS first (the account, the version's state, the
waiting approval) are a real run's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC

import boto3

from operator_cli import args as flags
from operator_cli import config as deployment
from operator_cli.aws import Aws, SessionFactory, connect
from operator_cli.command import Tool, run
from operator_cli.errors import CliError
from platform_config import PlatformConfig, Project, naming
from promotion_cli import card, champion, export, gate, history, metrics, registry, table

TOOL = Tool(
    prog="mlp-promote",
    no_credentials_fix="pass --profile, or run `aws sso login` first",
    unreachable_fix="check the network and your credentials (--profile)",
)
# The API limits: ApprovalDescription 1024 characters, an approval summary 512.
REGISTRY_COMMENT_MAX = 1024
GATE_COMMENT_MAX = 512


@dataclass(frozen=True)
class Target:
    """What a command works on: the deployment, one of its projects, and AWS in the dev account."""

    config: PlatformConfig
    project: Project
    aws: Aws

    @property
    def group(self) -> str:
        return self.project.package_group_name

    @property
    def pipeline(self) -> str:
        return naming.promotion_pipeline(self.config.platform.name, self.project.name)

    def package_arn(self, version: int) -> str:
        return registry.arn(self.aws, self.config.accounts.dev.account_id, self.group, version)


def pending(target: Target, args: argparse.Namespace) -> None:
    """What awaits the officer, with the evidence (metrics against the project's bar) to decide on."""
    packages = registry.pending(target.aws, target.group)
    if not packages:
        print(f"no version of {target.group} awaits approval")
        return
    bar = target.project.quality_threshold
    rows = [
        (
            package.version,
            package.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            metrics.summary(metrics.read(target.aws, package.metrics_uri), bar.name, bar.minimum),
        )
        for package in packages
    ]
    print(table.render(("VERSION", "CREATED", "KEY METRICS"), rows))


def decide(target: Target, args: argparse.Namespace) -> None:
    """Approve or reject a version in the registry; an approval event starts its promotion."""
    decision = registry.APPROVED if args.command == "approve" else registry.REJECTED
    arn = target.package_arn(args.version)
    if target.aws.dry_run:
        registry.decide(target.aws, arn, decision, args.comment)
        return
    package = registry.get(target.aws, arn)
    registry.check_decision(package, decision)
    registry.decide(target.aws, arn, decision, args.comment)
    print(f"{decision.lower()} {target.group} version {package.version} ({package.arn})")
    shown = f"card {target.project.name} show {package.version}"
    print(f"the audit trail writes this decision into its model card (`{shown}`)")
    if decision == registry.APPROVED:
        print(f"the approval event starts {target.pipeline}; follow it with `history {target.project.name}`")
    elif package.approval == registry.APPROVED:
        print("it stays deployed wherever it already runs; `rollback` redeploys an earlier approved version")


def answer_gate(target: Target, args: argparse.Namespace) -> None:
    """Answer the prod gate, after saying which model package it would let into prod."""
    status = "Approved" if args.answer == "approve" else "Rejected"
    if target.aws.dry_run:
        gate.answer(target.aws, target.pipeline, gate.UNREAD_TOKEN, status, args.comment)
        return
    waiting = gate.waiting(target.aws, target.pipeline)
    print(f"{target.pipeline} waits at {gate.GATE} to promote {waiting.model_package_arn} to prod")
    gate.answer(target.aws, target.pipeline, waiting.token, status, args.comment)
    print(f"{status.lower()}: execution {waiting.execution_id}")


def show_history(target: Target, args: argparse.Namespace) -> None:
    """The audit trail of the project's decisions, for reviews and incident timelines."""
    audit = naming.audit_table(target.config.platform.name)
    if args.export:
        items = history.decisions(target.aws, audit, target.project.name, limit=None)
        export.write(args.export, items)
        print(f"wrote {len(items)} decisions of {target.project.name} to {args.export}")
        return
    items = history.decisions(target.aws, audit, target.project.name, args.limit)
    if not items:
        print(f"no decisions recorded for {target.project.name} yet")
        return
    rows = [
        (
            item["recorded_at"].split("#")[0],
            item.get("kind", ""),
            item.get("model_package_version", ""),
            item.get("decision") or item.get("stage", ""),  # a lifecycle-stage item has its stage
            item.get("decided_by", "").rsplit(":", 1)[-1],  # an ARN's principal part fits a terminal
            item.get("comment", ""),
        )
        for item in items
    ]
    print(table.render(("RECORDED (UTC)", "KIND", "VERSION", "DECISION", "BY", "COMMENT"), rows))


def model_card(target: Target, args: argparse.Namespace) -> None:
    """Show a version's model card, or export it into the audit-records bucket (`promotion_cli/card.py`)."""
    found = card.read(target.aws, target.package_arn(args.version))
    if args.action == "show":
        print("\n".join(card.lines(found)))
        return
    bucket = naming.bucket(
        target.config.platform.name, "audit-records", target.config.accounts.dev.account_id
    )
    print(f"exported to {card.export(target.aws, bucket, found, target.group)}")


def rollback(target: Target, args: argparse.Namespace) -> None:
    """Promote an earlier approved version through the same pipeline, so it passes the same checks."""
    arn = target.package_arn(args.version)
    if not target.aws.dry_run:
        package = registry.get(target.aws, arn)
        if package.approval != registry.APPROVED:
            raise CliError(
                f"cannot roll back to {target.group} version {args.version}: it is {package.approval}",
                "roll back only to a version that is Approved (`history` shows the decisions)",
            )
    started = target.aws.change(
        "codepipeline",
        "start_pipeline_execution",
        name=target.pipeline,
        variables=[
            {"name": "ModelPackageArn", "value": arn},
            {"name": "ChampionCheck", "value": "rollback"},  # an earlier version may score lower
        ],
    )
    if started:
        print(
            f"started {target.pipeline} execution {started['pipelineExecutionId']} for {target.group} "
            f"version {package.version}; it passes the same acceptance test and prod gate (a lower score "
            "than prod's champion is accepted for a rollback, and the gate's email says so)"
        )


def _comment(limit: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        text = text.strip()
        if not text or len(text) > limit:
            raise argparse.ArgumentTypeError(f"must say why, in 1 to {limit} characters")
        return text

    return parse


def parser() -> argparse.ArgumentParser:
    root = flags.Parser(
        prog=TOOL.prog,
        description="Approve model versions, answer the prod gate, read the audit trail, roll back.",
        epilog="exit codes: 0 done, 1 AWS or its state refused, 2 wrong arguments, config or profile",
    )
    flags.add_config(root)
    flags.add_region(root, "the registry's region (default: accounts.dev.region of the config)")
    flags.add_profile(root, "--profile", "AWS profile with credentials for the dev account")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable, summary: str, *, changes: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, description=summary)
        sub.add_argument("project", metavar="PROJECT", help="a project name from the config")
        sub.set_defaults(run=run)
        if changes:
            flags.add_dry_run(sub)
        return sub

    command("pending", pending, "list versions awaiting approval, with their key metrics")
    for name in ("approve", "reject"):
        sub = command(name, decide, f"{name} a model package version in the registry", changes=True)
        sub.add_argument(
            "version", metavar="VERSION", type=flags.positive, help="the version number in the group"
        )
        sub.add_argument("--comment", required=True, type=_comment(REGISTRY_COMMENT_MAX), help="why")
    sub = command("gate", answer_gate, "answer the promotion waiting at ApproveForProd", changes=True)
    sub.add_argument("answer", choices=("approve", "reject"))
    sub.add_argument("--comment", required=True, type=_comment(GATE_COMMENT_MAX), help="why")
    sub = command("history", show_history, "the project's recorded decisions, newest first")
    sub.add_argument("--limit", type=flags.positive, default=20, help="how many (default 20)")
    sub.add_argument(
        "--export",
        type=export.path_argument,
        metavar="FILE",
        help="write every decision to FILE (.csv or .json) for auditors",
    )
    sub = command("card", model_card, "show a version's model card, or export it for auditors")
    sub.add_argument("action", choices=("show", "export"))
    sub.add_argument(
        "version", metavar="VERSION", type=flags.positive, help="the version number in the group"
    )
    command("champion", champion.show, "the version serving in prod, its metrics and what its gate was shown")
    sub = command("rollback", rollback, "promote an earlier Approved version again", changes=True)
    sub.add_argument(
        "version", metavar="VERSION", type=flags.positive, help="the Approved version to promote"
    )
    return root


def _wrong_account(expected: str) -> Callable[[str], CliError]:
    def refuse(actual: str) -> CliError:
        return CliError(
            f"your AWS credentials are for account {actual}, but the model registry and promotion "
            f"pipelines live in the dev account {expected} (accounts.dev in the config)",
            f"pass --profile with credentials for account {expected}",
        )

    return refuse


def _command(argv: Sequence[str] | None, session_factory: SessionFactory) -> None:
    """Parse, find the project and the dev account (the registry and pipelines exist only there), run."""
    args = parser().parse_args(argv)
    config = deployment.load(args.config)
    project = deployment.project(config, args.project, args.config)
    dev = config.accounts.dev
    region = deployment.region(args.region, dev.region, account="dev", flag="--region")
    dry_run = getattr(args, "dry_run", False)
    aws = connect(
        session_factory,
        args.profile,
        region,
        profile_flag="--profile",
        region_from="--region",
        dry_run=dry_run,
    )
    with aws.refusals_explained():
        if not dry_run:  # a dry run calls nothing, so it needs no credentials
            aws.require_account(dev.account_id, _wrong_account(dev.account_id))
        args.run(Target(config, project, aws), args)


def main(argv: Sequence[str] | None = None, *, session_factory: SessionFactory = boto3.Session) -> int:
    """Run one command; return the exit code. `session_factory` lets tests hand in stubbed clients."""
    return run(TOOL, lambda: _command(argv, session_factory))
