"""What the tests of the operators' CLIs (promotion_cli, lineage, operator_cli) share: an AWS
environment of fake credentials that nothing of this machine leaks into, fresh boto3 sessions that
skip re-parsing the service models, and the one-line failure every error must be."""

from __future__ import annotations

from pathlib import Path

import boto3
import botocore.loaders
import botocore.session

# Parsed AWS service models, shared by the sessions of all runs: parsing them is most of a run's time.
_SERVICE_MODELS = botocore.loaders.create_loader()


def isolated_aws_environment(monkeypatch, tmp_path: Path, **variables: str) -> None:
    """Fake credentials and empty AWS config files: no profile, region or AWS config of this machine
    reaches the tool (or AWS), plus the given variables."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "aws-config"
    empty.write_text("")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
        **variables,
    }.items():
        monkeypatch.setenv(name, value)


def fresh_session(session_class: type[boto3.Session] = boto3.Session, **kwargs) -> boto3.Session:
    """A new session per run, as the real tools make (no credentials carried over), minus the parsing."""
    core = botocore.session.Session()
    core.register_component("data_loader", _SERVICE_MODELS)
    return session_class(botocore_session=core, **kwargs)


def assert_one_line_error(err: str, *fragments: str) -> None:
    """Every failure: one line on stderr, naming the problem and the fix, no traceback."""
    assert err.count("\n") == 1 and err.startswith("error: ") and "; fix: " in err, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
