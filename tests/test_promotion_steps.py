"""The promotion pipeline's CodeBuild steps, run in process against moto (and a Stubber for invocations)."""

from __future__ import annotations

import io
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from moto import mock_aws

from ml_constructs.promotion_pipeline.steps import (
    acceptance_test,
    common,
    registered_checks,
    resolve_package,
    verify_endpoint,
)
from pipelines.data import generate_sample
from pipelines.scripts import preprocess
from tests.recorded import recorded
from tooling import sample_requests

REGION = "eu-west-1"
CREDENTIALS = {
    "AccessKeyId": "ASIAEXAMPLEEXAMPLE00",
    "SecretAccessKey": "testing-secret-key-testing-secret-key-0",
    "SessionToken": "testing-session-token",
    "Expiration": "2026-12-01T12:00:00Z",
}
GROUP = "mlplatform-churn"
TARGET_ROLE = "arn:aws:iam::222222222222:role/mlplatform-deploy"
ENDPOINT = "churn-test"
STEPS_DIR = Path(common.__file__).parent
SAMPLE_REQUESTS = STEPS_DIR / "sample_requests.csv"
JSON = "application/json"
METRICS_URI = "s3://registry/eval/evaluation.json"
IMAGE = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7-1"
METRICS = {
    "binary_classification_metrics": {
        "auc": {"value": 0.9123, "standard_deviation": 0.01},
        "accuracy": {"value": 0.8712, "standard_deviation": 0.02},
        "confusion_matrix": {"0": {"0": 40, "1": 5}, "1": {"0": 6, "1": 39}},
    },
    "quality": {"metric": "auc", "value": 0.9123},
}


@pytest.fixture(scope="module")
def fake_session():
    """One boto3 session with fake credentials for the module: each new session reloads the API models."""
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@pytest.fixture(autouse=True)
def aws(monkeypatch, fake_session):
    """Fake credentials and region, and every AWS call inside a fresh moto: nothing can reach AWS."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", fake_session)
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield


def baselines() -> dict:
    uri = "s3://registry/baseline/{}.json"
    return {
        "ModelDataQuality": {
            "Statistics": {"ContentType": JSON, "S3Uri": uri.format("statistics")},
            "Constraints": {"ContentType": JSON, "S3Uri": uri.format("constraints")},
        }
    }


@pytest.fixture
def register(fake_session):
    """`register(status)` adds the next version of a group in the dev account and gives its ARN.

    moto keeps no model card, so DescribeModelPackage answers get the version's card added (status
    `card`, content as tests/recorded/registry/ has it; None: no card)."""
    cards: dict[str, str | None] = {}

    def add_card(parsed, **_):
        status = cards.get(parsed.get("ModelPackageArn", ""))
        if status:
            content = recorded("registry", "describe_model_package")["ModelCard"]["ModelCardContent"]
            parsed["ModelCard"] = {"ModelCardStatus": status, "ModelCardContent": content}

    fake_session.events.register("after-call.sagemaker.DescribeModelPackage", add_card)
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="registry", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="registry", Key=METRICS_URI.split("/", 3)[3], Body=json.dumps(METRICS).encode())
    groups = set()

    def add(status="Approved", group=GROUP, with_baselines=True, metrics=METRICS_URI, card="Approved"):
        if group not in groups:
            sagemaker.create_model_package_group(ModelPackageGroupName=group)
            groups.add(group)
        arn = sagemaker.create_model_package(
            ModelPackageGroupName=group,
            InferenceSpecification={
                "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://registry/model.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
            ModelApprovalStatus="PendingManualApproval",
            ModelMetrics={"ModelQuality": {"Statistics": {"ContentType": JSON, "S3Uri": metrics}}},
            **({"DriftCheckBaselines": baselines()} if with_baselines else {}),
        )["ModelPackageArn"]
        if status != "PendingManualApproval":
            sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus=status)
        cards[arn] = card
        return arn

    add.cards = cards  # type: ignore[attr-defined]  # a test may change a card as the recorder would
    yield add
    fake_session.events.unregister("after-call.sagemaker.DescribeModelPackage", add_card)


def deploy(package_arn: str, endpoint: str = ENDPOINT) -> None:
    """An endpoint in the target account serving `package_arn`, as the serving stack builds it."""
    sagemaker = common.target_clients(TARGET_ROLE, "test-setup", REGION)("sagemaker")
    model = f"{endpoint}-model-{package_arn.rsplit('/', 1)[1]}"
    sagemaker.create_model(
        ModelName=model,
        Containers=[{"ModelPackageName": package_arn}],
        ExecutionRoleArn="arn:aws:iam::222222222222:role/inference",
    )
    variant = {"VariantName": "AllTraffic", "ModelName": model, "InitialInstanceCount": 1}
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{model}-config", ProductionVariants=[{**variant, "InstanceType": "ml.m5.large"}]
    )
    sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName=f"{model}-config")


def run(main, environ, capsys, **kwargs) -> tuple[int, dict[str, str], list[str]]:
    """Exit code, the parsed stdout assignments and the stderr lines of one step."""
    code = main(environ, **kwargs)
    out, err = capsys.readouterr()
    assignments = dict(shlex.split(line)[0].split("=", 1) for line in out.splitlines())
    return code, assignments, err.splitlines()


# --- resolve -------------------------------------------------------------------------------------


def resolve_env(arn: str) -> dict[str, str]:
    return {
        "MODEL_PACKAGE_ARN": arn,
        "MODEL_PACKAGE_GROUP": GROUP,
        "AWS_REGION": REGION,
        "TEST_CHECK_ROLE_ARN": "arn:aws:iam::222222222222:role/mlplatform-churn-test-check",
        "TEST_STACK": "test-Serving-churn",
        "PROD_CHECK_ROLE_ARN": "arn:aws:iam::333333333333:role/mlplatform-churn-prod-check",
        "PROD_STACK": "prod-Serving-churn",
        "PROD_ENDPOINT_NAME": "churn-prod",
        "QUALITY_METRIC": "auc",
        "CHAMPION_TOLERANCE": "0.01",
        "CHAMPION_CHECK": "enforce",
    }


def test_resolve_refuses_to_promote_before_the_serving_stages_are_deployed(register, capsys, monkeypatch):
    """Deploy order: test and prod first. Their check roles do not exist yet, so STS refuses them."""
    arn = register(status="Approved")
    sts = boto3.client("sts", region_name=REGION)
    stubber = Stubber(sts)
    stubber.add_response(
        "assume_role",
        {"Credentials": CREDENTIALS},
        {"RoleArn": resolve_env(arn)["TEST_CHECK_ROLE_ARN"], "RoleSessionName": "resolve-deploy-order"},
    )
    stubber.add_client_error(
        "assume_role", "AccessDenied", "User is not authorized to perform: sts:AssumeRole"
    )
    stubber.activate()
    real_client = boto3.client
    monkeypatch.setattr(boto3, "client", lambda name, **kw: sts if name == "sts" else real_client(name, **kw))

    code, assignments, err = run(resolve_package.main, resolve_env(arn), capsys)

    assert (code, assignments) == (1, {})
    assert err[-1] == (
        "resolve_package: prod-Serving-churn is not deployed in account 333333333333 (its check role "
        "arn:aws:iam::333333333333:role/mlplatform-churn-prod-check cannot be assumed); fix: deploy the test "
        "and prod stages before promoting (make deploy STAGE=test, then STAGE=prod; README, 'Bootstrap, diff, deploy')"
    )


def test_resolve_prints_the_version_baselines_and_quality_of_an_approved_package(register, capsys):
    register()
    arn = register()

    code, assignments, _ = run(resolve_package.main, resolve_env(arn), capsys)

    assert code == 0
    assert assignments == {
        "MODEL_PACKAGE_VERSION": "2",
        "BASELINE_STATISTICS_URI": "s3://registry/baseline/statistics.json",
        "BASELINE_CONSTRAINTS_URI": "s3://registry/baseline/constraints.json",
        "QUALITY_SUMMARY": "auc 0.91, accuracy 0.87",
        # A version with only data-quality baselines: prod monitors nothing else for it.
        **dict.fromkeys(registered_checks.PARAMETERS.values(), "none"),
        "CHAMPION_SUMMARY": "first promotion: prod serves no model yet, no champion to beat (auc version 2 0.9123)",
    }


def test_registered_checks_pass_each_baseline_and_only_whole_clarify_checks():
    run = "s3://artifacts/churn/model-build/x"
    package = {
        "DriftCheckBaselines": {
            "ModelQuality": {"Constraints": {"S3Uri": f"{run}/model-quality-baseline/constraints.json"}},
            "Bias": {
                "ConfigFile": {"S3Uri": f"{run}/model-bias/config.json"}
            },  # no constraints: half a check
            "Explainability": {
                "ConfigFile": {"S3Uri": f"{run}/model-explainability/config.json"},
                "Constraints": {"S3Uri": f"{run}/model-explainability/analysis.json"},
            },
        }
    }
    checks = registered_checks.registered_checks(package)
    assert checks == {
        "MODEL_QUALITY_CONSTRAINTS_URI": f"{run}/model-quality-baseline/constraints.json",
        "BIAS_CONFIG_URI": "none",
        "BIAS_CONSTRAINTS_URI": "none",
        "EXPLAINABILITY_CONFIG_URI": f"{run}/model-explainability/config.json",
        "EXPLAINABILITY_CONSTRAINTS_URI": f"{run}/model-explainability/analysis.json",
    }
    assert registered_checks.absent(checks) == ["bias"]
    assert registered_checks.registered_checks({})["MODEL_QUALITY_CONSTRAINTS_URI"] == "none"


def test_resolve_goes_on_without_unreadable_metrics(register, capsys):
    arn = register(metrics="s3://registry/eval/missing.json")

    code, assignments, err = run(resolve_package.main, resolve_env(arn), capsys)

    assert code == 0
    assert assignments["QUALITY_SUMMARY"] == "metrics not available"
    assert any("missing.json are not readable" in line for line in err)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("Rejected", "is Rejected, and only Approved packages deploy"),
        ("PendingManualApproval", "is PendingManualApproval, and only Approved packages deploy"),
        ("other group", "is a version of group fraud-models, not of this project's group mlplatform-churn"),
        ("unversioned", "is not a versioned model package ARN"),
        ("not an ARN", "is not a versioned model package ARN"),
        ("other region", "is in us-east-1, not in the registry's region eu-west-1"),
        ("no baselines", "has no data-quality drift-check baselines"),
        ("no such version", "does not exist"),
    ],
)
def test_resolve_refuses_what_must_not_deploy(register, capsys, case, message):
    arns = {
        "Rejected": lambda: register("Rejected"),
        "PendingManualApproval": lambda: register("PendingManualApproval"),
        "other group": lambda: register(group="fraud-models"),
        "unversioned": lambda: register().rsplit("/", 1)[0].replace("model-package/", "model-package-group/"),
        "not an ARN": lambda: "mlplatform-churn/1",
        "other region": lambda: register().replace(REGION, "us-east-1"),
        "no baselines": lambda: register(with_baselines=False),
        "no such version": lambda: register()[:-1] + "7",
    }

    code, assignments, err = run(resolve_package.main, resolve_env(arns[case]()), capsys)

    assert (code, assignments) == (1, {})
    assert err[-1].startswith("resolve_package: ")
    assert message in err[-1]
    assert "; fix: " in err[-1]


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (None, "has no model card; fix: register the version from the model-build pipeline"),
        ("Draft", "model card is Draft, and only versions with an Approved card deploy"),
        ("Archived", "model card is Archived, and only versions with an Approved card deploy"),
    ],
)
def test_resolve_refuses_a_version_whose_model_card_is_not_approved(register, capsys, card, message):
    code, assignments, err = run(resolve_package.main, resolve_env(register(card=card)), capsys)
    assert (code, assignments) == (1, {})
    assert message in err[-1] and "; fix: " in err[-1]


def test_resolve_waits_for_the_recorder_to_write_the_decision_into_the_card(register, capsys):
    """The trigger and the recorder act on the same approval event: the card may lag a little."""
    arn = register(card="PendingReview")
    fake = FakeTime()

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        if fake.now >= 60:
            register.cards[arn] = "Approved"

    clock = common.Clock(now=lambda: fake.now, sleep=sleep, poll_seconds=30)
    code, assignments, _ = run(resolve_package.main, resolve_env(arn), capsys, clock=clock)

    assert code == 0 and assignments["MODEL_PACKAGE_VERSION"] == "1"
    assert fake.sleeps == [30, 30]


def test_resolve_gives_up_on_a_card_still_pending_review_after_its_wait(register, capsys):
    fake = FakeTime()
    code, _, err = run(
        resolve_package.main, resolve_env(register(card="PendingReview")), capsys, clock=fake.clock()
    )
    assert code == 1 and "model card is PendingReview" in err[-1]
    assert sum(fake.sleeps) == 300


# --- acceptance ----------------------------------------------------------------------------------


def acceptance_env(expected: str) -> dict[str, str]:
    return {
        "ENDPOINT_NAME": ENDPOINT,
        "TARGET_ROLE_ARN": TARGET_ROLE,
        "AWS_REGION": REGION,
        "EXPECTED_MODEL_PACKAGE_ARN": expected,
        "REQUESTS_FILE": str(SAMPLE_REQUESTS),
        "MAX_P95_LATENCY_MS": "500",
        "WARMUP_REQUESTS": "0",
    }


def latencies(*milliseconds: float) -> common.Clock:
    """A clock reading once for the wait's deadline, then at the start and end of each request."""

    def ticks():
        now = 0.0
        yield now
        for latency in milliseconds:
            yield now
            now += latency / 1000
            yield now
        while True:
            yield now

    return common.Clock(now=ticks().__next__, sleep=lambda seconds: pytest.fail("the endpoint was InService"))


def stubbed_runtime(*bodies: bytes):
    """A sagemaker-runtime client answering the sample requests in order, each checked as sent."""
    client = boto3.client("sagemaker-runtime", region_name=REGION)
    stubber = Stubber(client)
    for number, (row, body) in enumerate(
        zip(SAMPLE_REQUESTS.read_text().splitlines(), bodies, strict=False), start=1
    ):  # bodies may be fewer
        stubber.add_response(
            "invoke_endpoint",
            {"Body": StreamingBody(io.BytesIO(body), len(body)), "ContentType": "text/csv"},
            # Each request carries an InferenceId, as prod callers must for labels to match.
            {
                "EndpointName": ENDPOINT,
                "ContentType": "text/csv",
                "Body": row.encode(),
                "InferenceId": f"acceptance-{number}",
            },
        )
    stubber.activate()
    return client, stubber


@pytest.fixture
def deployed(register):
    """Version 2, approved and served by the test endpoint in the target account."""
    register()
    arn = register()
    deploy(arn)
    return arn


def test_acceptance_passes_and_summarises_good_answers_in_the_target_account(deployed, capsys, monkeypatch):
    roles = []
    original = common.target_clients
    monkeypatch.setattr(common, "target_clients", lambda *args: roles.append(args) or original(*args))
    client, stubber = stubbed_runtime(b"0.42\n", b" 1 ", b"0", b"3.75e-2", *[b"0.5"] * 16)

    code, assignments, _ = run(
        acceptance_test.main, acceptance_env(deployed), capsys, clock=latencies(*[50] * 20), runtime=client
    )

    assert code == 0
    assert assignments == {"ACCEPTANCE_SUMMARY": "20/20 well-formed, p95 50 ms (bound 500 ms)"}
    assert roles == [(TARGET_ROLE, "acceptance-test", REGION)]
    assert boto3.client("sagemaker").list_endpoints()["Endpoints"] == []  # only the target account has it
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"error: bad input", "request 5 got b'error: bad input', not a probability in [0, 1]"),
        (b"1.7\n", "request 5 got b'1.7\\n', not a probability in [0, 1]"),
    ],
)
def test_acceptance_fails_on_an_answer_that_is_not_a_probability(deployed, capsys, body, message):
    client, _ = stubbed_runtime(*[b"0.3"] * 4, body, *[b"0.3"] * 15)

    code, assignments, err = run(
        acceptance_test.main, acceptance_env(deployed), capsys, clock=latencies(*[50] * 20), runtime=client
    )

    assert (code, assignments) == (1, {})
    assert err[-1].startswith(f"acceptance_test: 1/20 answers are wrong, first: {message}; fix: ")


def test_acceptance_p95_tolerates_one_slow_answer_in_twenty_but_not_two(deployed, capsys):
    environ = acceptance_env(deployed)
    one_slow, _ = stubbed_runtime(*[b"0.3"] * 20)
    code, assignments, _ = run(
        acceptance_test.main, environ, capsys, clock=latencies(*[90] * 19, 900), runtime=one_slow
    )
    assert (code, assignments) == (0, {"ACCEPTANCE_SUMMARY": "20/20 well-formed, p95 90 ms (bound 500 ms)"})

    two_slow, _ = stubbed_runtime(*[b"0.3"] * 20)
    code, assignments, err = run(
        acceptance_test.main, environ, capsys, clock=latencies(900, *[90] * 18, 600), runtime=two_slow
    )
    assert (code, assignments) == (1, {})
    too_slow = "acceptance_test: too slow: 20/20 well-formed, p95 600 ms (bound 500 ms); fix: "
    assert err[-1].startswith(too_slow)


def test_acceptance_warms_the_endpoint_up_before_measuring(deployed, capsys):
    """A cold start answers slowly once: those requests go first, untimed, and are not judged."""
    rows = SAMPLE_REQUESTS.read_text().splitlines()
    client = boto3.client("sagemaker-runtime", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error("invoke_endpoint", "ModelNotReadyException", expected_params=None)
    slow = b"0.5"
    stubber.add_response("invoke_endpoint", {"Body": StreamingBody(io.BytesIO(slow), len(slow))}, None)
    for number, row in enumerate(rows, start=1):
        stubber.add_response(
            "invoke_endpoint",
            {"Body": StreamingBody(io.BytesIO(b"0.3"), 3)},
            {
                "EndpointName": ENDPOINT,
                "ContentType": "text/csv",
                "Body": row.encode(),
                "InferenceId": f"acceptance-{number}",
            },
        )
    stubber.activate()

    code, assignments, err = run(
        acceptance_test.main,
        acceptance_env(deployed) | {"WARMUP_REQUESTS": "2"},
        capsys,
        clock=latencies(*[40] * 20),
        runtime=client,
    )

    assert (code, assignments) == (0, {"ACCEPTANCE_SUMMARY": "20/20 well-formed, p95 40 ms (bound 500 ms)"})
    assert any("warm-up request failed (ModelNotReadyException)" in line for line in err)
    stubber.assert_no_pending_responses()


def test_acceptance_refuses_a_bad_warmup_count(deployed, capsys):
    code, _, err = run(acceptance_test.main, acceptance_env(deployed) | {"WARMUP_REQUESTS": "-1"}, capsys)
    assert code == 1
    assert err[-1] == (
        "acceptance_test: WARMUP_REQUESTS must be a whole number of zero or more, got '-1'; "
        "fix: correct it on the CodeBuild action"
    )


def test_acceptance_refuses_an_endpoint_serving_another_package(register, capsys):
    expected = register()
    deploy(register())  # the endpoint serves version 2; the pipeline promotes version 1
    client, _ = stubbed_runtime()  # any invocation would fail the test

    code, _, err = run(acceptance_test.main, acceptance_env(expected), capsys, runtime=client)

    assert code == 1
    assert f"serves {expected[:-1]}2 (version 2), not {expected} (version 1); fix: " in err[-1]


@pytest.mark.parametrize(
    "name",
    [
        "ENDPOINT_NAME",
        "TARGET_ROLE_ARN",
        "AWS_REGION",
        "EXPECTED_MODEL_PACKAGE_ARN",
        "REQUESTS_FILE",
        "MAX_P95_LATENCY_MS",
    ],
)
def test_acceptance_names_a_missing_variable_in_one_line(capsys, name):
    environ = acceptance_env("arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlplatform-churn/1")
    del environ[name]

    code, assignments, err = run(acceptance_test.main, environ, capsys)

    assert (code, assignments) == (1, {})
    fix = "fix: set it on the CodeBuild action"
    assert err == [f"acceptance_test: environment variable {name} is not set; {fix}"]


# --- verify --------------------------------------------------------------------------------------


def verify_env(expected: str) -> dict[str, str]:
    return {
        "ENDPOINT_NAME": "churn-prod",
        "TARGET_ROLE_ARN": TARGET_ROLE,
        "AWS_REGION": REGION,
        "EXPECTED_MODEL_PACKAGE_ARN": expected,
    }


def test_verify_passes_when_prod_serves_the_promoted_package(register, capsys):
    arn = register()
    deploy(arn, "churn-prod")

    code, assignments, err = run(verify_endpoint.main, verify_env(arn), capsys)

    assert (code, assignments) == (0, {})
    assert err[-1] == f"prod endpoint churn-prod is InService and serves {arn}"


def test_verify_reports_a_rolled_back_blue_green_update(register, capsys):
    previous = [register() for _ in range(3)][-1]
    promoted = register()
    deploy(previous, "churn-prod")  # CloudFormation succeeded, but SageMaker rolled back to version 3

    code, _, err = run(verify_endpoint.main, verify_env(promoted), capsys)

    assert code == 1
    assert err[-1].startswith(
        "verify_endpoint: prod still serves version 3, not 4: the blue/green update rolled back; "
        "see the endpoint's events"
    )


def test_verify_stops_when_the_endpoint_does_not_exist(register, capsys):
    code, _, err = run(verify_endpoint.main, verify_env(register()), capsys)

    assert code == 1
    assert err[-1].startswith("verify_endpoint: endpoint churn-prod does not exist in the target account; ")
    assert "fix: check ENDPOINT_NAME" in err[-1]


# --- the bounded wait (moto's endpoints are InService at once, so a Stubber plays the statuses) -----


class FakeTime:
    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> common.Clock:
        return common.Clock(now=lambda: self.now, sleep=self.sleep, poll_seconds=30)


def stubbed_statuses(*statuses: str, reason: str | None = None):
    client = boto3.client("sagemaker", region_name=REGION)
    stubber = Stubber(client)
    for status in statuses:
        described = {
            "EndpointName": ENDPOINT,
            "EndpointArn": f"arn:aws:sagemaker:{REGION}:222222222222:endpoint/{ENDPOINT}",
            "EndpointConfigName": "config",
            "EndpointStatus": status,
            "CreationTime": "2026-11-22T00:00:00Z",
            "LastModifiedTime": "2026-11-22T00:00:00Z",
            **({"FailureReason": reason} if reason else {}),
        }
        stubber.add_response("describe_endpoint", described, {"EndpointName": ENDPOINT})
    stubber.activate()
    return client


def test_wait_polls_until_in_service():
    fake = FakeTime()
    client = stubbed_statuses("Creating", "Updating", "InService")

    described = common.wait_in_service(client, ENDPOINT, 1800, fake.clock())

    assert described["EndpointStatus"] == "InService"
    assert fake.sleeps == [30, 30]


def test_wait_gives_up_at_its_bound():
    fake = FakeTime()
    client = stubbed_statuses(*["Updating"] * 4)

    with pytest.raises(common.StepError, match=r"still Updating after 70 s; fix: "):
        common.wait_in_service(client, ENDPOINT, 70, fake.clock())
    assert fake.sleeps == [30, 30, 10]


def test_wait_stops_at_once_on_a_failed_endpoint():
    fake = FakeTime()
    client = stubbed_statuses("Failed", reason="image not found")

    with pytest.raises(common.StepError, match=r"is Failed \(image not found\); fix: "):
        common.wait_in_service(client, ENDPOINT, 1800, fake.clock())
    assert fake.sleeps == []


# --- output and packaging ------------------------------------------------------------------------


def test_assignments_survive_the_buildspecs_shell(tmp_path):
    values = {"QUALITY_SUMMARY": "auc 0.91, accuracy 0.87", "TRICKY": 'it\'s $HOME; `x` "y"'}
    (tmp_path / "step.env").write_text(common.assignments(**values))

    shell = 'set -a; . ./step.env; set +a; env | grep -E "^(QUALITY_SUMMARY|TRICKY)=" | sort'
    out = subprocess.run(["sh", "-c", shell], cwd=tmp_path, capture_output=True, text=True, check=True).stdout

    assert out.splitlines() == [f"{name}={value}" for name, value in sorted(values.items())]


@pytest.mark.parametrize(
    ("script", "first_variable"),
    [
        ("resolve_package.py", "MODEL_PACKAGE_ARN"),
        ("acceptance_test.py", "ENDPOINT_NAME"),
        ("verify_endpoint.py", "ENDPOINT_NAME"),
        ("set_stage.py", "STAGE"),
    ],
)
def test_each_script_runs_from_the_bare_folder_as_codebuild_runs_it(tmp_path, script, first_variable):
    """No package around it, no repo on the path: `common` must come from the script's own folder."""
    shutil.copytree(STEPS_DIR, tmp_path / "steps", ignore=shutil.ignore_patterns("__*__*"))

    result = subprocess.run(
        [sys.executable, f"steps/{script}"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true"},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{script[:-3]}: environment variable {first_variable} is not set; "
        "fix: set it on the CodeBuild action"
    ]


def test_committed_sample_requests_are_what_the_generator_writes():
    assert sample_requests.render() == SAMPLE_REQUESTS.read_text(encoding="utf-8")


def test_sample_requests_are_rows_of_preprocess_test_split_without_the_label(tmp_path):
    pii = ",".join(generate_sample.PII_COLUMNS)
    sample_dir = str(generate_sample.OUTPUT.parent)
    preprocess.main(["--input-dir", sample_dir, "--output-dir", str(tmp_path), "--pii-columns", pii])
    test_rows = (tmp_path / "test" / "test.csv").read_text().splitlines()[:20]
    features = (tmp_path / "baseline" / "baseline.csv").read_text().splitlines()[0].split(",")

    requests = SAMPLE_REQUESTS.read_text().splitlines()

    assert requests == [row.split(",", 1)[1] for row in test_rows]
    assert {len(row.split(",")) for row in requests} == {len(features)} == {15}
