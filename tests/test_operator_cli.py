"""The CLI core both operator tools use: argument conventions, config, credentials, the dry-run gate,
one-line errors and exit codes; and the layering rule that keeps the tools apart."""

from __future__ import annotations

import ast
import json
import sys

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ProfileNotFound
from botocore.stub import Stubber
from moto import mock_aws

from operator_cli import args, config
from operator_cli.aws import Aws, connect, refused
from operator_cli.command import Tool, run
from operator_cli.errors import CliError, UsageError
from platform_config import ConfigError, load_config
from tests.cli_fakes import assert_one_line_error, fresh_session, isolated_aws_environment
from tooling.synth import ROOT

CONFIG = ROOT / "config" / "example.toml"
REGION, ACCOUNT = "eu-west-1", "111111111111"
FLAGS = {"profile_flag": "--profile", "region_from": "--region"}
TOOL = Tool("some-tool", "pass --profile, or run `aws sso login` first", "check the network")


@pytest.fixture
def credentials(monkeypatch, tmp_path):
    isolated_aws_environment(monkeypatch, tmp_path, MOTO_ACCOUNT_ID=ACCOUNT)


def client_error(code: str, message: str = "it said no.", operation: str = "DescribeThing") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


# arguments


def test_a_command_line_mistake_is_a_usage_error_naming_help():
    parser = args.Parser(prog="some-tool")
    args.add_config(parser)
    with pytest.raises(UsageError) as raised:
        parser.parse_args([])
    assert str(raised.value) == "the following arguments are required: --config; fix: see `some-tool --help`"
    assert raised.value.exit_code == 2


def test_subcommands_make_mistakes_one_line_too():
    parser = args.Parser(prog="tool")
    sub = parser.add_subparsers(dest="command", required=True).add_parser("change")
    args.add_dry_run(sub)
    sub.add_argument("count", type=args.positive)
    assert parser.parse_args(["change", "3", "--dry-run"]).dry_run is True
    with pytest.raises(UsageError, match="'0' is not a positive whole number; fix: see `tool change --help`"):
        parser.parse_args(["change", "0"])


def test_profile_and_region_flags():
    parser = args.Parser(prog="tool")
    args.add_profile(parser, "--profile-dev", "for dev")
    args.add_region(parser, "where")
    parsed = parser.parse_args(["--profile-dev", "cora", "--region", "eu-west-1"])
    assert (parsed.profile_dev, parsed.region) == ("cora", "eu-west-1")


@pytest.mark.parametrize("text", ["0", "-3", "one", "1.5", ""])
def test_positive_refuses_what_is_not_a_positive_whole_number(text):
    with pytest.raises(Exception, match="is not a positive whole number"):
        args.positive(text)


# config


def test_load_gives_the_validated_config():
    assert config.load(str(CONFIG)) == load_config(CONFIG)


@pytest.mark.parametrize("path", ["config/nope.toml", "config"])
def test_a_missing_config_file_names_the_tools_flag(path):
    """The loader's own fix names the CDK's `-c config=PATH`; a tool's user passes --config."""
    with pytest.raises(ConfigError) as raised:
        config.load(path)
    assert str(raised.value) == (
        f"{path}: no such config file; fix: copy config/example.toml and pass it with --config"
    )


def test_project_is_found_or_the_known_ones_named():
    example = load_config(CONFIG)
    assert config.project(example, "churn", "x.toml").name == "churn"
    with pytest.raises(UsageError, match=r"unknown project 'fraud' in x\.toml; fix: use one of: churn"):
        config.project(example, "fraud", "x.toml")


def test_region_is_the_flag_else_the_default_and_must_have_sagemaker():
    assert config.region(None, REGION, account="dev", flag="--region") == REGION
    assert config.region("us-east-1", REGION, account="dev", flag="--region") == "us-east-1"
    with pytest.raises(UsageError) as raised:
        config.region("mars-east-1", REGION, account="dev", flag="--region")
    assert str(raised.value) == (
        "--region 'mars-east-1' is not an AWS region with SageMaker; "
        "fix: use a region code such as eu-west-1 (the dev account's)"
    )


# AWS: sessions, the account check, the dry-run gate, refusals


@pytest.fixture
def aws(credentials):
    with mock_aws():
        yield connect(fresh_session, None, REGION, profile_flag="--profile", region_from="--region")


def test_the_account_check_passes_the_right_account_and_refuses_another(aws):
    aws.require_account(ACCOUNT, lambda actual: CliError(f"wrong {actual}", "other"))
    with pytest.raises(CliError, match=f"wrong {ACCOUNT}; fix: other"):
        aws.require_account("999999999999", lambda actual: CliError(f"wrong {actual}", "other"))
    assert aws.partition == "aws"


def test_a_dry_run_prints_the_exact_call_and_makes_none(monkeypatch, tmp_path, capsys):
    """No credentials anywhere, and no client made: a call or a credential lookup would fail."""
    isolated_aws_environment(monkeypatch, tmp_path, credentials=False)
    aws = Aws(boto3.Session(), REGION, dry_run=True, **FLAGS)
    assert aws.change("sagemaker", "delete_model", ModelName="m") is None
    assert aws._clients == {}
    call = json.dumps({"ModelName": "m"})
    assert capsys.readouterr().out == (
        f"dry run, nothing changed: would call sagemaker DeleteModel in {REGION} with {call}\n"
    )


def test_without_dry_run_the_change_is_made(credentials, capsys):
    session = fresh_session(region_name=REGION)
    sagemaker = session.client("sagemaker", region_name=REGION)
    aws = Aws(session, REGION, **FLAGS)
    aws._clients["sagemaker"] = sagemaker
    with Stubber(sagemaker) as stubber:
        stubber.add_response("delete_model", {}, {"ModelName": "m"})
        assert aws.change("sagemaker", "delete_model", ModelName="m") is not None
        stubber.assert_no_pending_responses()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("code", "fix"),
    [
        (
            "AccessDeniedException",
            "use credentials allowed to make this call in the prod account (--profile-prod)",
        ),
        ("ExpiredToken", "refresh your credentials (e.g. `aws sso login`) or pass another --profile-prod"),
        (
            "ResourceNotFound",
            "check that the platform is deployed in this account and region (accounts.prod)",
        ),
        ("ThrottlingException", "wait a moment and run the command again"),
        ("ValidationException", "read the AWS message above; the call and region are named in it"),
    ],
)
def test_a_refusal_names_the_call_the_region_and_the_tools_own_flags(code, fix):
    aws = Aws(
        boto3.Session(), REGION, account="prod", profile_flag="--profile-prod", region_from="accounts.prod"
    )
    error = client_error(code, "it said\n  no.")
    assert str(aws.refusal(error)) == f"AWS refused DescribeThing in {REGION}: {code}: it said no; fix: {fix}"


def test_refusals_explained_turns_an_unhandled_refusal_into_one_line():
    aws = Aws(boto3.Session(), REGION, **FLAGS)
    expected = f"AWS refused DescribeThing in {REGION}: Nope: it said no; fix: "
    with pytest.raises(CliError, match=expected), aws.refusals_explained():
        raise client_error("Nope")


def test_refused_without_a_place():
    assert str(refused(client_error("Nope"), "try again")) == (
        "AWS refused DescribeThing: Nope: it said no; fix: try again"
    )


# run: one line, one prefix, the exit code


def outcome(capsys, failure: BaseException | None) -> tuple[int, str, str]:
    def work() -> None:
        print("working")
        if failure is not None:
            raise failure

    code = run(TOOL, work)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("failure", "exit_code", "line"),
    [
        (CliError("no approval waits", "wait"), 1, "error: no approval waits; fix: wait"),
        (UsageError("bad flag", "see help"), 2, "error: bad flag; fix: see help"),
        (ConfigError("x.toml: bad; fix: correct it"), 2, "error: x.toml: bad; fix: correct it"),
        (
            ProfileNotFound(profile="officer"),
            2,
            "error: The config profile (officer) could not be found; fix: pick one from `aws configure list-profiles`",
        ),
        (
            NoCredentialsError(),
            1,
            "error: no AWS credentials found; fix: pass --profile, or run `aws sso login` first",
        ),
        (
            client_error("Nope"),
            1,
            "error: AWS refused DescribeThing: Nope: it said no; "
            "fix: read the AWS message above; the call is named in it",
        ),
        (
            EndpointConnectionError(endpoint_url="https://sts.amazonaws.com"),
            1,
            'error: AWS call failed: Could not connect to the endpoint URL: "https://sts.amazonaws.com"; '
            "fix: check the network",
        ),
    ],
)
def test_every_failure_is_one_line_with_its_exit_code(capsys, failure, exit_code, line):
    code, out, err = outcome(capsys, failure)
    assert (code, out, err) == (exit_code, "working\n", line + "\n")
    assert_one_line_error(err)


def test_work_done_exits_0(capsys):
    assert outcome(capsys, None) == (0, "working\n", "")


# layering: the tools import only config, the core and their own helpers


ALLOWED = {
    "operator_cli": {"operator_cli", "platform_config"},
    "promotion_cli": {"promotion_cli", "operator_cli", "platform_config"},
    "lineage": {"lineage", "operator_cli", "platform_config"},
    "labels": {"labels", "operator_cli", "platform_config"},
}


def imported_packages(package: str) -> dict[str, set[str]]:
    """Top-level package -> the modules of `package` that import it."""
    found: dict[str, set[str]] = {}
    for module in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(module.relative_to(ROOT).as_posix())
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_the_tools_import_only_config_the_core_and_their_own_helpers(package):
    allowed = ALLOWED[package] | {"boto3", "botocore", "__future__"} | set(sys.stdlib_module_names)
    imports = imported_packages(package)
    assert {name: modules for name, modules in imports.items() if name not in allowed} == {}
