"""What the promotion steps share: configuration, the target account, the endpoint's state, the output.

Standard library and boto3 only: CodeBuild runs these scripts with no extra installs. Every refusal
is a `StepError` whose message is one line naming the problem and the fix; `run` prints it last on
stderr and turns it into exit status 1.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

PACKAGE_ARN = re.compile(
    r"arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})/(\d+)"
)
# Statuses an endpoint does not leave on its own; any other one may still become InService.
STUCK = ("Failed", "UpdateRollbackFailed", "Deleting")
DEFAULT_WAIT_SECONDS = "1800"


class StepError(Exception):
    """A refusal: the one-line message names the problem and the fix."""


@dataclass(frozen=True)
class Clock:
    """Time as the steps see it: for waits and latencies; tests pass a fake one."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    poll_seconds: float = 30.0


def log(message: str) -> None:
    """Progress for the CodeBuild log; stdout is reserved for the assignments the buildspec sources."""
    print(message, file=sys.stderr, flush=True)


def env(environ: Mapping[str, str], name: str, default: str | None = None) -> str:
    """A configuration value; a missing one stops the step naming it."""
    value = environ.get(name, "").strip() or default
    if value is None:
        raise StepError(f"environment variable {name} is not set; fix: set it on the CodeBuild action")
    return value


def positive_number(environ: Mapping[str, str], name: str, default: str | None = None) -> float:
    """A positive number from the environment: a bound or a wait."""
    raw = env(environ, name, default)
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise StepError(
            f"{name} must be a positive number, got {raw!r}; fix: correct it on the CodeBuild action"
        )
    return value


def count(environ: Mapping[str, str], name: str, default: str | None = None) -> int:
    """A whole number of zero or more from the environment."""
    raw = env(environ, name, default)
    if not raw.isdigit():
        raise StepError(
            f"{name} must be a whole number of zero or more, got {raw!r}; fix: correct it on the CodeBuild action"
        )
    return int(raw)


def version_of(arn: str) -> str | None:
    """The version number in a versioned model package ARN, or None for anything else."""
    match = PACKAGE_ARN.fullmatch(arn or "")
    return match.group(4) if match else None


def target_clients(role_arn: str, session_name: str, region: str) -> Callable[..., Any]:
    """Makes clients in the account the endpoint lives in, through the role the pipeline deploys with.

    Clients of the default session with the role's credentials rather than a second session, which
    would load each service's API model again.
    """
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=role_arn, RoleSessionName=session_name
    )["Credentials"]
    return functools.partial(
        boto3.client,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def wait_in_service(sagemaker, endpoint: str, wait_seconds: float, clock: Clock) -> dict:
    """The endpoint's description once it is InService; a stuck status or the deadline stops the step."""
    deadline = clock.now() + wait_seconds
    while True:
        try:
            described = sagemaker.describe_endpoint(EndpointName=endpoint)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ValidationException":
                raise
            raise StepError(
                f"endpoint {endpoint} does not exist in the target account; "
                "fix: check ENDPOINT_NAME against the deployed stack's endpoint name"
            ) from None
        status = described["EndpointStatus"]
        if status == "InService":
            return described
        if status in STUCK:
            reason = described.get("FailureReason") or "no reason given"
            raise StepError(f"endpoint {endpoint} is {status} ({reason}); fix: see the endpoint's events")
        remaining = deadline - clock.now()
        if remaining <= 0:
            raise StepError(
                f"endpoint {endpoint} is still {status} after {wait_seconds:g} s; "
                "fix: see the endpoint's events, or raise WAIT_SECONDS if it is just slow"
            )
        pause = min(clock.poll_seconds, remaining)
        log(f"endpoint {endpoint} is {status}; checking again in {pause:g} s")
        clock.sleep(pause)


def served_packages(sagemaker, described_endpoint: dict) -> list[str]:
    """The model package behind each container of each variant of the endpoint's current config."""
    config = sagemaker.describe_endpoint_config(EndpointConfigName=described_endpoint["EndpointConfigName"])
    packages = []
    for variant in config["ProductionVariants"]:
        model = sagemaker.describe_model(ModelName=variant["ModelName"])
        containers = model.get("Containers") or [model.get("PrimaryContainer") or {}]
        packages += [container.get("ModelPackageName") or "(no model package)" for container in containers]
    return packages


def registered_metrics(s3, package: dict) -> dict[str, float]:
    """The numbers of the package's evaluation report (ModelMetrics.ModelQuality.Statistics, the
    model-build pipeline's `evaluation.json`): every `{name: {"value": n}}` of its `*_metrics`
    sections. Empty when there is none or it cannot be read; the reason goes to the log."""
    uri = package.get("ModelMetrics", {}).get("ModelQuality", {}).get("Statistics", {}).get("S3Uri", "")
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        return {}
    bucket, key = uri[5:].split("/", 1)
    try:
        document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        return {
            name: float(entry["value"])
            for section, metrics in document.items()
            if section.endswith("_metrics") and isinstance(metrics, dict)
            for name, entry in metrics.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("value"), (int, float))
            and not isinstance(entry["value"], bool)
        }
    except (ClientError, BotoCoreError, ValueError, AttributeError) as error:
        log(f"quality metrics at {uri} are not readable ({error}); going on without them")
        return {}


def assignments(**values: object) -> str:
    """`NAME='value'` lines for the buildspec to source; quoted, so any value is safe."""
    return "".join(f"{name}={shlex.quote(str(value))}\n" for name, value in values.items())


def run(name: str, step: Callable[[], str]) -> int:
    """Run a step: its assignments to stdout and 0, or one line naming the problem to stderr and 1."""
    try:
        sys.stdout.write(step())
        return 0
    except StepError as error:
        message = str(error)
    except ClientError as error:
        message = (
            f"AWS refused {error.operation_name}: {error.response['Error'].get('Message', error)}; "
            "fix: check the CodeBuild role's permissions and the target role's trust policy"
        )
    except BotoCoreError as error:
        message = f"could not call AWS ({error}); fix: check the CodeBuild project's network and credentials"
    log(f"{name}: {' '.join(message.split())}")
    return 1
