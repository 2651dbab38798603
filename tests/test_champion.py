"""Challenger vs champion in Resolve (issue 13, item 5): two fake versions in the dev registry under
moto, one of them served by a fake prod endpoint in another account, reached through the check role."""

from __future__ import annotations

import json

import boto3
import pytest

from ml_constructs.promotion_pipeline.steps import champion, resolve_package
from tests import test_promotion_steps as steps_tests
from tests.test_promotion_steps import METRICS, REGION, TARGET_ROLE, deploy, resolve_env, run

# The step tests' fixtures: every call inside moto, and `register` for versions in the dev registry.
aws, fake_session, register = steps_tests.aws, steps_tests.fake_session, steps_tests.register

PROD_ENDPOINT = "churn-prod"


def metrics_uri(auc: float | None) -> str:
    """A registered evaluation report whose auc is `auc` (None: a report without it)."""
    document = json.loads(json.dumps(METRICS))
    if auc is None:
        del document["binary_classification_metrics"]["auc"]
    else:
        document["binary_classification_metrics"]["auc"]["value"] = auc
    key = f"eval/{auc}/evaluation.json"
    boto3.client("s3", region_name=REGION).put_object(Bucket="registry", Key=key, Body=json.dumps(document))
    return f"s3://registry/{key}"


@pytest.fixture
def versions(register):
    """`versions(champion_auc, challenger_auc)`: version 1 serving in prod, version 2 to promote."""

    def make(champion_auc: float | None, challenger_auc: float | None) -> tuple[str, str]:
        served = register(metrics=metrics_uri(champion_auc))
        deploy(served, PROD_ENDPOINT)  # in the target account, as DeployProd leaves it
        return served, register(metrics=metrics_uri(challenger_auc))

    return make


def promote(arn: str, capsys, **changes: str):
    environ = resolve_env(arn) | {"PROD_CHECK_ROLE_ARN": TARGET_ROLE} | changes
    return run(resolve_package.main, environ, capsys)


def test_a_better_challenger_passes_with_both_figures(versions, capsys):
    _, challenger = versions(0.80, 0.85)
    code, assignments, _ = promote(challenger, capsys)
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"] == (
        "auc: challenger version 2 0.8500 vs champion version 1 0.8000 in prod (tolerance 0.01): better"
    )


def test_a_challenger_within_the_tolerance_passes(versions, capsys):
    _, challenger = versions(0.80, 0.795)
    code, assignments, _ = promote(challenger, capsys)
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"].endswith(
        "0.7950 vs champion version 1 0.8000 in prod (tolerance 0.01): within tolerance"
    )


def test_a_regression_beyond_the_tolerance_is_refused(versions, capsys):
    _, challenger = versions(0.80, 0.78)
    code, assignments, err = promote(challenger, capsys)
    assert (code, assignments) == (1, {})
    assert err[-1].startswith(
        "resolve_package: auc: challenger version 2 0.7800 vs champion version 1 0.8000 in prod "
        "(tolerance 0.01): worse by 0.0200, a regression beyond the tolerance; fix: "
    )


def test_negative_control_the_same_regression_passes_a_wider_tolerance(versions, capsys):
    _, challenger = versions(0.80, 0.78)
    code, assignments, _ = promote(challenger, capsys, CHAMPION_TOLERANCE="0.05")
    assert code == 0 and assignments["CHAMPION_SUMMARY"].endswith("(tolerance 0.05): within tolerance")


def test_a_rollback_accepts_the_regression_and_says_so(versions, capsys):
    _, challenger = versions(0.80, 0.70)
    code, assignments, _ = promote(challenger, capsys, CHAMPION_CHECK="rollback")
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"].endswith(": worse by 0.1000, accepted for a rollback")


def test_a_first_promotion_has_no_champion_and_passes_with_a_clear_line(register, capsys):
    challenger = register(metrics=metrics_uri(0.5))
    code, assignments, _ = promote(challenger, capsys)
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"] == (
        "first promotion: prod serves no model yet, no champion to beat (auc version 1 0.5000)"
    )


def test_the_champion_is_read_in_prod_not_in_dev(register, capsys):
    """Negative control for the account: an endpoint of that name in dev is not prod's champion."""
    served = register(metrics=metrics_uri(0.9))
    sagemaker = boto3.client("sagemaker", region_name=REGION)  # the dev account
    sagemaker.create_model(
        ModelName="dev-model", Containers=[{"ModelPackageName": served}], ExecutionRoleArn=TARGET_ROLE
    )
    variant = {"VariantName": "AllTraffic", "ModelName": "dev-model", "InitialInstanceCount": 1}
    sagemaker.create_endpoint_config(
        EndpointConfigName="dev-config", ProductionVariants=[{**variant, "InstanceType": "ml.m5.large"}]
    )
    sagemaker.create_endpoint(EndpointName=PROD_ENDPOINT, EndpointConfigName="dev-config")
    code, assignments, _ = promote(register(metrics=metrics_uri(0.5)), capsys)
    assert code == 0 and assignments["CHAMPION_SUMMARY"].startswith("first promotion")


def test_re_promoting_the_champion_compares_nothing(versions, capsys):
    served, _ = versions(0.80, 0.85)
    code, assignments, _ = promote(served, capsys)
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"] == "auc: version 1 is the champion already (a re-promotion)"


def test_a_challenger_without_the_metric_is_refused_when_there_is_a_champion(versions, capsys):
    _, challenger = versions(0.80, None)
    code, _, err = promote(challenger, capsys)
    assert code == 1
    assert "challenger version 2 n/a vs champion version 1 0.8000" in err[-1]
    assert "the challenger has no readable auc to compare; fix: register it" in err[-1]


def test_a_champion_without_the_metric_is_not_compared_and_says_so(versions, capsys):
    _, challenger = versions(None, 0.60)
    code, assignments, _ = promote(challenger, capsys)
    assert code == 0
    assert assignments["CHAMPION_SUMMARY"].endswith("the champion has no readable auc, not compared")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"CHAMPION_TOLERANCE": "-0.1"}, "CHAMPION_TOLERANCE must be a number from 0 to below 1, got '-0.1'"),
        ({"CHAMPION_TOLERANCE": "1"}, "CHAMPION_TOLERANCE must be a number from 0 to below 1, got '1'"),
        ({"CHAMPION_TOLERANCE": "lots"}, "CHAMPION_TOLERANCE must be a number from 0 to below 1, got 'lots'"),
        ({"CHAMPION_CHECK": "skip"}, "CHAMPION_CHECK must be enforce or rollback, got 'skip'"),
        ({"QUALITY_METRIC": ""}, "environment variable QUALITY_METRIC is not set"),
    ],
)
def test_a_bad_setting_stops_resolve_in_one_line(versions, capsys, changes, message):
    _, challenger = versions(0.80, 0.85)
    code, _, err = promote(challenger, capsys, **changes)
    assert code == 1 and message in err[-1] and "; fix: " in err[-1]


def test_verdict_at_the_tolerance_edge_is_no_regression():
    """Negative control for float noise: exactly the tolerance below passes; a hair more does not."""
    challenger, best = champion.Figure(2, 0.79), champion.Figure(1, 0.80)
    assert champion.verdict(challenger, best, "auc", 0.01, champion.ENFORCE).endswith("within tolerance")
    with pytest.raises(champion.common.StepError, match=r"worse by 0\.0101"):
        champion.verdict(champion.Figure(2, 0.7899), best, "auc", 0.01, champion.ENFORCE)
