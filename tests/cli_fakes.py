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


KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
# Where else the credential chain looks: profiles, a container's or a web identity's credentials.
ELSEWHERE = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


def aws_environment(tmp_path: Path, *, credentials: bool = True) -> dict[str, str]:
    """Variables that isolate a process from this machine's AWS setup: empty config files, no
    instance metadata, and fake keys unless `credentials` is false (then none can be found at all)."""
    empty = tmp_path / "aws-config"
    empty.write_text("")
    keys = dict.fromkeys(KEYS, "testing") if credentials else {}
    return {
        **keys,
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def isolated_aws_environment(
    monkeypatch, tmp_path: Path, *, credentials: bool = True, **variables: str
) -> None:
    """`aws_environment` for this process: no profile, region, credentials or AWS config of this
    machine reaches the tool (or AWS), plus the given variables."""
    for name in (*ELSEWHERE, "AWS_DEFAULT_REGION", "AWS_REGION", "MOTO_ACCOUNT_ID", *KEYS):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**aws_environment(tmp_path, credentials=credentials), **variables}.items():
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
