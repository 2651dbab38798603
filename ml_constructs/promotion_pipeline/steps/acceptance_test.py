"""AcceptanceTest: the test endpoint serves the package being promoted, answers sanely and fast enough.

Acts in the test account through TARGET_ROLE_ARN. Each line of REQUESTS_FILE is one CSV request in
the model's feature layout (`sample_requests.csv`); every answer must be one churn probability in
[0, 1], and the 95th percentile of the client-side latencies must be under MAX_P95_LATENCY_MS (the
test endpoint's own bound, `test_serving.max_p95_latency_ms`). The first WARMUP_REQUESTS requests
are sent once before measuring and not timed: a serverless endpoint's cold start says nothing
about the model.

Environment: ENDPOINT_NAME, TARGET_ROLE_ARN, AWS_REGION, EXPECTED_MODEL_PACKAGE_ARN, REQUESTS_FILE,
MAX_P95_LATENCY_MS, WARMUP_REQUESTS (default 3), WAIT_SECONDS (default 1800).
Stdout: ACCEPTANCE_SUMMARY.

    python3 steps/acceptance_test.py > accepted.env
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from botocore.config import Config
from botocore.exceptions import ClientError

try:
    from . import common  # imported as a package module (tests)
except ImportError:
    import common  # run as a script: Python puts this folder first on sys.path

# One attempt per request: a retry would hide an error and inflate the latency being measured.
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})
DEFAULT_WARMUP_REQUESTS = "3"


def read_requests(path: str) -> list[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise common.StepError(
            f"REQUESTS_FILE {path} is not readable ({error.strerror}); fix: point it at the requests CSV"
        ) from None
    rows = [line.strip() for line in lines if line.strip()]
    if not rows:
        raise common.StepError(f"REQUESTS_FILE {path} holds no requests; fix: one CSV row per line")
    return rows


def check_served(sagemaker, described: dict, expected: str) -> None:
    """Refuse to test anything but the package being promoted: a pass would be meaningless."""
    for served in common.served_packages(sagemaker, described):
        if served != expected:
            raise common.StepError(
                f"test endpoint {described['EndpointName']} serves {served} (version "
                f"{common.version_of(served)}), not {expected} (version {common.version_of(expected)}); "
                "fix: check that DeployTest deployed this package and that ENDPOINT_NAME is its endpoint"
            )


def probability(body: bytes) -> float | None:
    """The answer as a churn probability, or None when it is not one number in [0, 1]."""
    try:
        value = float(body.decode("utf-8").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return value if 0.0 <= value <= 1.0 else None


def invoke(runtime, endpoint: str, row: str, inference_id: str) -> dict:
    """One request as every caller of a prod endpoint should send it: with an InferenceId, which data
    capture records and ground-truth labels name (`mlp-labels upload`, README "Labels")."""
    return runtime.invoke_endpoint(
        EndpointName=endpoint, ContentType="text/csv", Body=row.encode(), InferenceId=inference_id
    )


def warm_up(runtime, endpoint: str, rows: list[str]) -> None:
    """Wake the endpoint (a serverless one starts a container on first use); answers are not judged."""
    for number, row in enumerate(rows, start=1):
        try:
            invoke(runtime, endpoint, row, f"acceptance-warm-up-{number}")["Body"].read()
        except ClientError as error:
            common.log(f"warm-up request failed ({error.response['Error'].get('Code')}); measuring anyway")


def invoke_all(runtime, endpoint: str, rows: list[str], clock: common.Clock) -> tuple[list[str], list[float]]:
    """Each request's problem (if any), and the latencies in milliseconds."""
    problems, latencies = [], []
    for number, row in enumerate(rows, start=1):
        started = clock.now()
        try:
            body = invoke(runtime, endpoint, row, f"acceptance-{number}")["Body"].read()
        except ClientError as error:
            problems.append(f"request {number} failed: {error.response['Error'].get('Message', error)}")
            continue
        latencies.append((clock.now() - started) * 1000)
        if probability(body) is None:
            problems.append(f"request {number} got {body[:60]!r}, not a probability in [0, 1]")
    return problems, latencies


def p95(latencies: list[float]) -> float:
    """Nearest-rank 95th percentile: of 20 requests, the second slowest."""
    ordered = sorted(latencies)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def accept(environ: Mapping[str, str], clock: common.Clock, runtime) -> str:
    endpoint = common.env(environ, "ENDPOINT_NAME")
    role = common.env(environ, "TARGET_ROLE_ARN")
    region = common.env(environ, "AWS_REGION")
    expected = common.env(environ, "EXPECTED_MODEL_PACKAGE_ARN")
    rows = read_requests(common.env(environ, "REQUESTS_FILE"))
    bound = common.positive_number(environ, "MAX_P95_LATENCY_MS")
    wait = common.positive_number(environ, "WAIT_SECONDS", common.DEFAULT_WAIT_SECONDS)
    warmups = common.count(environ, "WARMUP_REQUESTS", DEFAULT_WARMUP_REQUESTS)
    client = common.target_clients(role, "acceptance-test", region)
    sagemaker = client("sagemaker")
    check_served(sagemaker, common.wait_in_service(sagemaker, endpoint, wait, clock), expected)
    common.log(f"endpoint {endpoint} is InService with {expected}; sending {len(rows)} requests")
    runtime = runtime or client("sagemaker-runtime", config=NO_RETRIES)
    warm_up(runtime, endpoint, rows[:warmups])
    problems, latencies = invoke_all(runtime, endpoint, rows, clock)
    if problems:
        raise common.StepError(
            f"{len(problems)}/{len(rows)} answers are wrong, first: {problems[0]}; "
            "fix: the model must answer each CSV row with one churn probability (see the endpoint's logs)"
        )
    summary = f"{len(rows)}/{len(rows)} well-formed, p95 {p95(latencies):.0f} ms (bound {bound:g} ms)"
    if not p95(latencies) < bound:
        raise common.StepError(
            f"too slow: {summary}; fix: choose a larger inference instance type or raise MAX_P95_LATENCY_MS"
        )
    common.log(f"accepted: {summary}")
    return common.assignments(ACCEPTANCE_SUMMARY=summary)


def main(
    environ: Mapping[str, str] | None = None, *, clock: common.Clock = common.Clock(), runtime=None
) -> int:
    """`clock` and `runtime` (a sagemaker-runtime client) are for tests."""
    environ = os.environ if environ is None else environ
    return common.run("acceptance_test", lambda: accept(environ, clock, runtime))


if __name__ == "__main__":
    sys.exit(main())
