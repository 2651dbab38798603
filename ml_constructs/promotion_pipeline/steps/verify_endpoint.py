"""VerifyProd: after DeployProd, the prod endpoint is InService and serves the promoted package.

CloudFormation can report success while SageMaker's blue/green update rolled back on an alarm: the
endpoint is then InService again, serving the previous package. Only the served package tells.

Environment: ENDPOINT_NAME, TARGET_ROLE_ARN, AWS_REGION, EXPECTED_MODEL_PACKAGE_ARN, WAIT_SECONDS
(default 1800). Stdout: nothing.

    python3 steps/verify_endpoint.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

try:
    from . import common  # imported as a package module (tests)
except ImportError:
    import common  # run as a script: Python puts this folder first on sys.path


def mismatch(endpoint: str, served: str, expected: str) -> str:
    """Why prod does not serve `expected`, in the words an operator acts on."""
    old, new = common.version_of(served), common.version_of(expected)
    same_group = served.rsplit("/", 1)[0] == expected.rsplit("/", 1)[0]
    if same_group and old and new and int(old) < int(new):
        return (
            f"prod still serves version {old}, not {new}: the blue/green update rolled back; "
            f"see the endpoint's events (endpoint {endpoint})"
        )
    return (
        f"prod endpoint {endpoint} serves {served}, not {expected}; "
        "fix: find what changed the endpoint after DeployProd, then rerun the promotion"
    )


def verify(environ: Mapping[str, str], clock: common.Clock) -> str:
    endpoint = common.env(environ, "ENDPOINT_NAME")
    role = common.env(environ, "TARGET_ROLE_ARN")
    region = common.env(environ, "AWS_REGION")
    expected = common.env(environ, "EXPECTED_MODEL_PACKAGE_ARN")
    wait = common.positive_number(environ, "WAIT_SECONDS", common.DEFAULT_WAIT_SECONDS)
    sagemaker = common.target_clients(role, "verify-endpoint", region)("sagemaker")
    for served in common.served_packages(sagemaker, common.wait_in_service(sagemaker, endpoint, wait, clock)):
        if served != expected:
            raise common.StepError(mismatch(endpoint, served, expected))
    common.log(f"prod endpoint {endpoint} is InService and serves {expected}")
    return ""


def main(environ: Mapping[str, str] | None = None, *, clock: common.Clock = common.Clock()) -> int:
    """`clock` is for tests."""
    environ = os.environ if environ is None else environ
    return common.run("verify_endpoint", lambda: verify(environ, clock))


if __name__ == "__main__":
    sys.exit(main())
