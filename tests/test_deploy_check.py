"""`make diff` / `make deploy` first check the sign-in: one line naming the profile or SSO login
it needs, before the CDK CLI starts (issue 11)."""

from __future__ import annotations

import subprocess

import pytest
from moto import mock_aws

from tests.cli_fakes import assert_one_line_error, fresh_session, isolated_aws_environment
from tests.conftest import EXAMPLE_CONFIG
from tooling.deploy_check import main
from tooling.synth import ROOT

CONFIG = str(EXAMPLE_CONFIG)


@pytest.fixture
def signed_out(monkeypatch, tmp_path):
    """No credentials anywhere: no keys, empty AWS config files."""
    isolated_aws_environment(monkeypatch, tmp_path)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    return tmp_path


def test_no_credentials_name_the_sso_login(signed_out, capsys):
    assert main(["--config", CONFIG, "--stage", "test"], fresh_session) == 1
    assert_one_line_error(capsys.readouterr().err, "no AWS credentials found", "`aws sso login`")


def test_an_sso_profile_signed_out_names_its_login(signed_out, monkeypatch, capsys):
    config = signed_out / "sso-config"
    config.write_text(
        "[profile test]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Deploy\n"
        "region = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert main(["--config", CONFIG, "--stage", "test", "--profile", "test"], fresh_session) == 1
    assert_one_line_error(capsys.readouterr().err, "`aws sso login --profile test`")


def test_an_unknown_profile_is_a_usage_error(signed_out, capsys):
    assert main(["--config", CONFIG, "--stage", "prod", "--profile", "nope"], fresh_session) == 2
    assert_one_line_error(capsys.readouterr().err, "nope", "aws configure list-profiles")


def test_an_unknown_stage_is_one_line(capsys):
    assert main(["--config", CONFIG, "--stage", "qa"], fresh_session) == 2
    assert_one_line_error(capsys.readouterr().err, "--stage", "choose from 'dev', 'test', 'prod'")


@pytest.fixture
def signed_in_to_test(monkeypatch, tmp_path):
    isolated_aws_environment(monkeypatch, tmp_path, MOTO_ACCOUNT_ID="222222222222")
    with mock_aws():
        yield


@pytest.mark.usefixtures("signed_in_to_test")
def test_the_stages_own_account_passes(capsys):
    assert main(["--config", CONFIG, "--stage", "test"], fresh_session) == 0
    assert capsys.readouterr().out == "test: the default credentials sign in to 222222222222 (eu-west-1)\n"


@pytest.mark.usefixtures("signed_in_to_test")
def test_credentials_for_another_account_are_refused(capsys):
    """Negative control for the pass above: the same sign-in, the prod stage."""
    assert main(["--config", CONFIG, "--stage", "prod"], fresh_session) == 1
    assert_one_line_error(
        capsys.readouterr().err,
        "sign in to account 222222222222, but",
        "puts prod in 333333333333",
        "pass PROFILE= naming a profile for 333333333333",
    )


@pytest.mark.parametrize("command", ["diff", "deploy"])
def test_diff_and_deploy_start_from_the_checked_assembly(command):
    """The sign-in first, then the same synthesis and checks as `make synth` (cfn-lint and deploy
    limits run only there), then the CDK CLI on that assembly: nothing reaches AWS unlinted."""
    planned = subprocess.run(
        ["make", "-n", command, "STAGE=prod", "PROFILE=p"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    steps = [
        next(i for i, line in enumerate(planned) if marker in line)
        for marker in (
            "tooling.deploy_check",
            "cdk synth",
            "tooling.report cdk.out",
            f"cdk {command} --app cdk.out",
        )
    ]
    assert steps == sorted(steps)
    assert "'prod/*' --profile p" in planned[steps[-1]]
