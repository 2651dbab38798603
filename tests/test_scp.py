"""The promotion gate's SCP: generated from the config, it denies the gate to every principal of the
dev account but the compliance officers, which no policy of the platform itself can do."""

from __future__ import annotations

import json

import pytest

from compliance.iam.assembly import AWS_MANAGED
from compliance.iam.evaluate import Outcome, Principal
from compliance.iam.validity import check
from tooling.scp import gate_scp, main

# The SCP every organization starts with: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_strategies.html
FULL_AWS_ACCESS = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ADMINISTRATOR = AWS_MANAGED["arn:aws:iam::aws:policy/AdministratorAccess"]
PERMISSION_SET = (
    "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_ComplianceOfficer_*"
)


@pytest.fixture(scope="module")
def config(example_config):
    """The example with one approver permission set (`platform.approver_principal_arns`)."""
    platform = example_config.platform.model_copy(update={"approver_principal_arns": (PERMISSION_SET,)})
    return example_config.model_copy(update={"platform": platform})


def answer(iam_model, platform, principal: Principal, scp: dict, pipeline: str | None = None) -> Outcome:
    """The gate's answer by `principal` with the SCP attached beside FullAWSAccess to the dev account."""
    gate = f"{pipeline or platform.promotion_pipeline}/ApproveForProd/ApproveForProd"
    account_level = {"Statement": [*FULL_AWS_ACCESS["Statement"], *scp["Statement"]]}
    return iam_model.decide(
        principal, "codepipeline:PutApprovalResult", gate, scps=[FULL_AWS_ACCESS, account_level]
    ).outcome


def test_the_scp_denies_administrators_and_leaves_the_officers_allowed(iam_model, platform, config):
    scp = gate_scp(config)
    dev = platform.dev
    admin = Principal(f"arn:aws:iam::{dev}:role/Admin", (ADMINISTRATOR,))
    sso_admin = Principal(
        f"arn:aws:iam::{dev}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0a1b",
        (ADMINISTRATOR,),
    )
    approver = Principal(
        f"arn:aws:iam::{dev}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ComplianceOfficer_9f8e",
        (ADMINISTRATOR,),
    )
    assert answer(iam_model, platform, admin, scp) is Outcome.EXPLICIT_DENY
    assert answer(iam_model, platform, sso_admin, scp) is Outcome.EXPLICIT_DENY
    assert answer(iam_model, platform, approver, scp) is Outcome.ALLOW
    assert (
        answer(iam_model, platform, iam_model.role("mlplatform-compliance-officer").principal, scp)
        is Outcome.ALLOW
    )
    # Other pipelines of the account are not the platform's business.
    other = f"arn:aws:codepipeline:{platform.region}:{dev}:billing-release"
    assert answer(iam_model, platform, admin, scp, pipeline=other) is Outcome.ALLOW


def test_without_approver_patterns_only_the_officers_studio_role_answers(iam_model, platform, example_config):
    scp = gate_scp(example_config)
    approver = Principal(
        f"arn:aws:iam::{platform.dev}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ComplianceOfficer_9f8e",
        (ADMINISTRATOR,),
    )
    assert answer(iam_model, platform, approver, scp) is Outcome.EXPLICIT_DENY
    assert scp["Statement"][0]["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/mlplatform-compliance-officer"]}
    }


def test_the_scp_is_a_valid_policy_and_the_command_prints_it(config, capsys, example_config):
    assert check("gate SCP", gate_scp(config), identity=True) == []
    main(["--config", "config/example.toml"])
    assert json.loads(capsys.readouterr().out) == gate_scp(example_config)
