"""The config file is validated before synthesis, and a bad value gets one line naming key and fix."""

from __future__ import annotations

import pytest

from platform_config import ConfigError, load_config
from tests.config_edits import run_app
from tests.conftest import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG.read_text(encoding="utf-8")

EXTRA_PROJECT = """
[[projects]]
name = "churn"
model_package_group = "mlplatform-other"
"""


def test_example_config_loads(example_config):
    assert example_config.accounts.dev.account_id == "111111111111"
    assert example_config.accounts.prod.budget.daily_limit_usd == 250
    assert example_config.billing.home_region == "us-east-1"
    assert [p.name for p in example_config.projects] == ["churn"]


def test_config_is_immutable(example_config):
    with pytest.raises(Exception, match="frozen"):
        example_config.accounts.dev.region = "us-west-2"


def _edit(old: str, new: str, count: int = 1) -> str:
    assert old in EXAMPLE, f"the example config no longer contains {old!r}"
    return EXAMPLE.replace(old, new, count)


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        pytest.param(
            _edit('account_id = "111111111111"', 'account_id = "11111111111"'),
            "accounts.dev.account_id: '11111111111' is not a 12-digit AWS account id; fix:",
            id="11-digit-account",
        ),
        pytest.param(
            _edit('account_id = "222222222222"', "account_id = 222222222222"),
            "accounts.test.account_id must be a string; fix: quote the value",
            id="unquoted-account",
        ),
        pytest.param(
            _edit('region = "eu-west-1"', 'region = "eu-westish-1"'),
            "accounts.dev.region: 'eu-westish-1' is not an AWS region with SageMaker; fix:",
            id="unknown-region",
        ),
        pytest.param(
            EXAMPLE + EXTRA_PROJECT,
            "projects: two projects share the name 'churn'; fix: make each one unique",
            id="duplicate-project",
        ),
        pytest.param(
            _edit("monthly_limit_usd = 5000", "monthly_limit_usd = -5"),
            "accounts.prod.budget.monthly_limit_usd must be greater than 0; fix: use a positive number",
            id="negative-budget",
        ),
        pytest.param(
            _edit('notification_emails = ["ml-platform-team@example.com"]', "notification_emails = []"),
            "billing.notification_emails must not be empty; fix: add at least 1 entry",
            id="no-email",
        ),
        pytest.param(
            _edit('notification_emails = ["ml-platform-team@example.com"]', 'notification_emails = ["team"]'),
            "billing.notification_emails[0]: 'team' is not an email address; fix:",
            id="bad-email",
        ),
        pytest.param(
            _edit('cost_centre = "cc-0000-ml"', ""),
            "platform.cost_centre is missing; fix: add it",
            id="missing-setting",
        ),
        pytest.param(
            _edit('prod = { egress = "vpc-endpoints-only" }', 'prod = { egres = "vpc-endpoints-only" }'),
            "network.prod.egres is not a known setting; fix: remove it or correct its spelling",
            id="misspelt-setting",
        ),
        pytest.param(
            _edit('test = { egress = "vpc-endpoints-only" }', 'test = { egress = "open" }'),
            "network.test.egress must be one of 'vpc-endpoints-only' or 'nat-gateway'",
            id="unknown-choice",
        ),
        pytest.param(
            _edit('availability_zones = ["eu-west-1a", "eu-west-1b"]', 'availability_zones = ["us-east-1a"]'),
            "accounts.dev: availability zone 'us-east-1a' is not in region eu-west-1; fix:",
            id="zone-outside-region",
        ),
        pytest.param(
            _edit("daily_limit_usd = 200", "daily_limit_usd = 5000"),
            "accounts.dev.budget: daily_limit_usd (5000) exceeds monthly_limit_usd (3000); fix:",
            id="daily-above-monthly",
        ),
        pytest.param(
            _edit('home_region = "us-east-1"', 'home_region = "eu-west-1"'),
            "billing: home_region 'eu-west-1' has no billing metrics; fix: set it to 'us-east-1'",
            id="billing-region",
        ),
        pytest.param(
            _edit('name = "churn"', 'name = "Churn Model"'),
            "projects[0].name: 'Churn Model' is not a valid name; fix:",
            id="bad-project-name",
        ),
        pytest.param(
            _edit(
                'region = "eu-west-1"\navailability_zones = ["eu-west-1a", "eu-west-1b"]',
                'region = "ap-east-2"\navailability_zones = ["ap-east-2a", "ap-east-2b"]',
            ),
            "accounts.dev: region 'ap-east-2' lacks the SageMaker images the platform's jobs use; fix:",
            id="dev-region-without-images",
        ),
        pytest.param(
            _edit('model_package_group = "mlplatform-churn"', 'model_package_group = "churn-models"'),
            "projects[0].model_package_group 'churn-models' must start with 'mlplatform-', the prefix persona "
            "roles are scoped to; fix: rename it to 'mlplatform-churn'",
            id="group-without-platform-prefix",
        ),
        pytest.param(
            _edit('"kms", "codepipeline"]', '"kms"]'),
            "network.dev.interface_endpoints lacks ['codepipeline'], which the dev VPC's workflows call and "
            'cannot reach without an internet path; fix: add them, or set network.dev.egress = "nat-gateway"',
            id="no-codepipeline-endpoint",
        ),
        pytest.param(
            _edit("feature_store = false", "feature_store = true"),
            "network.dev.interface_endpoints lacks ['sagemaker.featurestore-runtime'], which the dev VPC's",
            id="feature-store-without-its-endpoint",
        ),
        pytest.param(
            _edit("max_instances = 4,", "max_instances = 4, bake_minutes = 61,"),
            "projects[0].prod_serving.bake_minutes must be at most 60; fix: use a smaller number",
            id="bake-beyond-cloudformation-limit",
        ),
        pytest.param(
            _edit("champion_tolerance = 0.01", "champion_tolerance = 1.5"),
            "projects[0].champion_tolerance must be less than 1; fix: use a smaller number",
            id="champion-tolerance-that-refuses-nothing",
        ),
        pytest.param(
            _edit("champion_tolerance = 0.01", "champion_tolerance = -0.01"),
            "projects[0].champion_tolerance must be at least 0; fix: use a larger number",
            id="negative-champion-tolerance",
        ),
        pytest.param(
            _edit("approver_principal_arns = []", 'approver_principal_arns = ["ComplianceOfficer"]'),
            "platform.approver_principal_arns[0]: 'ComplianceOfficer' is not an IAM role ARN (pattern); fix:",
            id="approver-not-an-arn",
        ),
        pytest.param(
            _edit(
                "approver_principal_arns = []",
                'approver_principal_arns = ["arn:aws:iam::111111111111:role/*"]',
            ),
            "would let any role of the account approve; fix: name the approvers' role",
            id="approver-any-role",
        ),
        pytest.param(
            _edit(
                "approver_principal_arns = []",
                'approver_principal_arns = ["arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/'
                '*/AWSReservedSSO_Approver_*"]',
            ),
            "is not in the dev account 111111111111, where the registry is; fix:",
            id="approver-outside-dev",
        ),
        pytest.param(
            _edit("[network]\n", '[network]\negress = "nat-gateway"\n'),
            "network: egress is now set per account; fix: move it to network.dev.egress, network.test.egress "
            "and network.prod.egress",
            id="former-shared-egress",
        ),
        pytest.param(
            _edit(
                'test = { egress = "vpc-endpoints-only" }', 'test = { interface_endpoints = ["ecr.apii"] }'
            ),
            "network.test.interface_endpoints: unknown service(s) ['ecr.apii']; fix: use some of",
            id="unknown-endpoint-service",
        ),
        pytest.param(
            _edit('prod = { egress = "vpc-endpoints-only" }', "prod = { endpoint_zones = 3 }"),
            "network.prod.endpoint_zones is 3, but accounts.prod has 2 availability zone(s); fix: use at most 2",
            id="endpoints-in-more-zones-than-the-account-has",
        ),
        pytest.param(
            _edit("max_instances = 4,", "max_instances = 4, idle_alarm_days = 8,"),
            "projects[0].prod_serving.idle_alarm_days must be at most 7",
            id="idle-alarm-beyond-cloudwatch-seven-days",
        ),
        pytest.param(
            _edit("max_concurrency = 5 }", "max_concurrency = 5, idle_alarm_days = 2 }"),
            "idle_alarm_days has no effect on a serverless test endpoint; fix: remove it, or set serverless = false",
            id="idle-alarm-on-a-serverless-endpoint",
        ),
        pytest.param("[platform\n", "not valid TOML", id="not-toml"),
    ],
)
def test_bad_config_gives_one_line_naming_key_and_fix(tmp_path, config_text, expected):
    path = tmp_path / "deployment.toml"
    path.write_text(config_text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(ConfigError, match=r"no such config file; fix: copy config/example\.toml"):
        load_config(tmp_path / "absent.toml")


def test_app_stops_before_synthesis_on_bad_config(tmp_path):
    """`app.py` exits non-zero with the one line on stderr and writes no template."""
    result, outdir = run_app(tmp_path, _edit('account_id = "333333333333"', 'account_id = "3333"'))
    bad = tmp_path / "bad.toml"
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"config error: {bad}: accounts.prod.account_id: '3333' is not a 12-digit AWS account id; "
        "fix: use the id `aws sts get-caller-identity` prints, as a quoted string"
    ]
    assert not list(outdir.rglob("*.template.json"))
