"""Effective permissions of every persona and platform role (identity policies within the boundary,
minus every explicit deny, with the bucket, key, trust and registry policies of the resource): each
documented workflow can make its calls, and approval stays with the compliance officer."""

from __future__ import annotations

import dataclasses

import pytest

from compliance.iam.assembly import AWS_MANAGED, IamModel
from compliance.iam.evaluate import Outcome, Principal
from compliance.iam.platform import Platform
from compliance.iam.workflows import WORKFLOWS
from platform_config import naming


@pytest.fixture(scope="module")
def feature_store(example_config, tmp_path_factory):
    """Network, storage and Studio of the example with `studio.feature_store` on, synthesized without
    the checks (the full synthesis runs them): (model, platform) for the workflows that need it."""
    from tooling.synth import synthesize_studio

    config = example_config.model_copy(
        update={"studio": example_config.studio.model_copy(update={"feature_store": True})}
    )
    model = IamModel(synthesize_studio(config, tmp_path_factory.mktemp("feature-store")))
    return model, Platform(config, model)


def _denied(iam_model, principal: Principal, calls) -> list[str]:
    problems = []
    for call in calls:
        for resource in call.resources:
            decision = iam_model.decide(
                principal, call.action, resource, call.context, outside_policy=call.outside_policy
            )
            if not decision.allowed:
                problems.append(
                    f"{call.action} on {resource}: {decision.outcome.value}, {decision.reason} (needed: {call.source})"
                )
    return problems


@pytest.mark.parametrize("name", list(WORKFLOWS))
def test_every_documented_call_of_the_workflow_is_allowed(name, iam_model, platform, example_config, request):
    workflow = WORKFLOWS[name]
    if workflow.needs_feature_store and not example_config.studio.feature_store:
        iam_model, platform = request.getfixturevalue("feature_store")
    role = iam_model.role(workflow.role(platform), platform.accounts[workflow.account])
    assert _denied(iam_model, role.principal, workflow.calls(platform)) == []


def test_a_missing_or_denied_permission_fails_the_workflow(iam_model, platform):
    """Negative control: the same workflow with the boundary narrowed, or with a Deny planted."""
    workflow = WORKFLOWS["data-scientist: training job in the VPC"]
    role = iam_model.role(workflow.role(platform)).principal
    assert _denied(iam_model, role, workflow.calls(platform)) == []
    narrowed = dataclasses.replace(
        role, boundary={"Statement": [{"Effect": "Allow", "NotAction": "ec2:*", "Resource": "*"}]}
    )
    assert any(
        d.startswith("ec2:CreateNetworkInterface") and "boundary" in d
        for d in _denied(iam_model, narrowed, workflow.calls(platform))
    )
    planted = {"Statement": [{"Effect": "Deny", "Action": "kms:CreateGrant", "Resource": "*"}]}
    denied = _denied(
        iam_model, dataclasses.replace(role, identity=(*role.identity, planted)), workflow.calls(platform)
    )
    assert [d.split(" on ")[0] for d in denied] == ["kms:CreateGrant"] and "explicit-deny" in denied[0]


def test_the_table_names_real_actions_on_their_resource_types(platform):
    """The workflow table itself, against the service authorization reference."""
    from compliance.iam.validity import check

    problems = [
        str(f)
        for name, workflow in WORKFLOWS.items()
        for call in workflow.calls(platform)
        for f in check(
            name,
            {"Statement": [{"Effect": "Allow", "Action": call.action, "Resource": list(call.resources)}]},
            identity=False,
        )
    ]
    assert problems == []


# --- approval: the compliance officer only --------------------------------------------------------

ADMINISTRATOR = AWS_MANAGED["arn:aws:iam::aws:policy/AdministratorAccess"]


def admins(platform) -> list[Principal]:
    """Same-account principals with AdministratorAccess: an IAM role, an IAM Identity Center
    permission set's role, and the CDK bootstrap's CloudFormation execution role."""
    dev = platform.dev
    return [
        Principal(f"arn:aws:iam::{dev}:role/Admin", (ADMINISTRATOR,)),
        Principal(
            f"arn:aws:iam::{dev}:role/aws-reserved/sso.amazonaws.com/{platform.region}/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            (ADMINISTRATOR,),
        ),
        Principal(
            f"arn:aws:iam::{dev}:role/{naming.cdk_bootstrap_role('cfn-exec-role', dev, platform.region)}",
            (ADMINISTRATOR,),
        ),
    ]


def dev_roles(iam_model, platform) -> dict[str, Principal]:
    return {r.name: r.principal for r in iam_model.roles.values() if r.principal.account == platform.dev}


OFFICER = "mlplatform-compliance-officer"


@pytest.mark.parametrize("status", ["Approved", "Rejected"])
def test_only_the_compliance_officer_of_the_platform_roles_sets_approval_status(status, iam_model, platform):
    decided = {
        name: iam_model.decide(
            principal,
            "sagemaker:UpdateModelPackage",
            platform.package,
            {"sagemaker:ModelApprovalStatus": status},
        ).allowed
        for name, principal in dev_roles(iam_model, platform).items()
    }
    assert [name for name, allowed in decided.items() if allowed] == [OFFICER]


def test_no_administrator_of_the_dev_account_can_approve(iam_model, platform):
    """The registry's group policy denies sagemaker:UpdateModelPackage (Principal "*") unless
    aws:PrincipalArn is the compliance officer's role or a `platform.approver_principal_arns` pattern. A
    resource policy's Deny binds same-account principals too, so administrators are explicitly denied
    while the officer stays allowed. Assumed: SageMaker evaluates the group's policy for requests on
    the packages in the group, from any account."""
    approve = {"sagemaker:ModelApprovalStatus": "Approved"}
    decisions = [
        iam_model.decide(a, "sagemaker:UpdateModelPackage", platform.package, approve)
        for a in admins(platform)
    ]
    assert [d.outcome for d in decisions] == [Outcome.EXPLICIT_DENY] * len(decisions)
    officer = iam_model.role(OFFICER).principal
    assert iam_model.decide(officer, "sagemaker:UpdateModelPackage", platform.package, approve).allowed


def test_only_the_compliance_officer_of_the_platform_roles_answers_the_gate(iam_model, platform):
    gate = f"{platform.promotion_pipeline}/ApproveForProd/ApproveForProd"
    allowed = [
        n
        for n, p in dev_roles(iam_model, platform).items()
        if iam_model.decide(p, "codepipeline:PutApprovalResult", gate).allowed
    ]
    assert allowed == [OFFICER]
    # No resource policy can stop an administrator here: only an SCP can (tests/test_scp.py).
    assert all(iam_model.decide(a, "codepipeline:PutApprovalResult", gate).allowed for a in admins(platform))


@pytest.mark.parametrize("status", ["Approved", "Rejected", None], ids=["approved", "rejected", "no-status"])
def test_no_platform_role_registers_a_version_in_any_status_but_pending(status, iam_model, platform):
    """The guard's StringNotEqualsIfExists also denies a registration that names no status."""
    context = {} if status is None else {"sagemaker:ModelApprovalStatus": status}
    new_version = platform.sagemaker(f"model-package/{platform.group_name}/9")
    allowed = [
        n
        for n, p in dev_roles(iam_model, platform).items()
        if iam_model.decide(p, "sagemaker:CreateModelPackage", new_version, context).allowed
    ]
    assert allowed == []


def test_no_administrator_registers_a_version_as_approved(iam_model, platform):
    new_version = platform.sagemaker(f"model-package/{platform.group_name}/9")
    decisions = [
        iam_model.decide(
            a, "sagemaker:CreateModelPackage", new_version, {"sagemaker:ModelApprovalStatus": "Approved"}
        ).outcome
        for a in admins(platform)
    ]
    assert decisions == [Outcome.EXPLICIT_DENY] * len(decisions)


# --- lifecycle stages: Production only by the promotion pipeline ------------------------------------

STEPS = "mlplatform-churn-promotion-steps"


def _sets(iam_model, principal, platform, **context) -> bool:
    return iam_model.decide(principal, "sagemaker:UpdateModelPackage", platform.package, context).allowed


def test_only_the_promotion_steps_role_sets_production(iam_model, platform):
    production = {"sagemaker:ModelLifeCycle:Stage": "Production"}
    allowed = [
        n for n, p in dev_roles(iam_model, platform).items() if _sets(iam_model, p, platform, **production)
    ]
    assert allowed == [STEPS]
    assert not any(_sets(iam_model, a, platform, **production) for a in admins(platform))
    # Another spelling is the same stage to a person reading the registry: denied alike.
    officer = iam_model.role(OFFICER).principal
    upper = {"sagemaker:ModelLifeCycle:Stage": "PRODUCTION", "sagemaker:ModelApprovalStatus": "Approved"}
    assert not _sets(iam_model, officer, platform, **upper)
    assert _sets(iam_model, officer, platform, **{"sagemaker:ModelApprovalStatus": "Approved"})


def test_nobody_registers_a_version_straight_into_production(iam_model, platform):
    new_version = platform.sagemaker(f"model-package/{platform.group_name}/9")
    context = {
        "sagemaker:ModelApprovalStatus": "PendingManualApproval",
        "sagemaker:ModelLifeCycle:Stage": "Production",
    }
    principals = [*dev_roles(iam_model, platform).values(), *admins(platform)]
    assert not any(
        iam_model.decide(p, "sagemaker:CreateModelPackage", new_version, context).allowed for p in principals
    )
    # Negative control: the model-build role registers the same version in Development.
    builder = iam_model.role("mlplatform-churn-model-build").principal
    development = context | {"sagemaker:ModelLifeCycle:Stage": "Development"}
    assert iam_model.decide(builder, "sagemaker:CreateModelPackage", new_version, development).allowed


@pytest.mark.parametrize("stage", ["Staging", "Production", "Archived"])
def test_the_steps_role_sets_each_stage_it_needs_but_never_an_approval(stage, iam_model, platform):
    steps = iam_model.role(STEPS).principal
    assert _sets(iam_model, steps, platform, **{"sagemaker:ModelLifeCycle:Stage": stage})
    for status in ("Approved", "Rejected"):
        request = {"sagemaker:ModelLifeCycle:Stage": stage, "sagemaker:ModelApprovalStatus": status}
        decision = iam_model.decide(steps, "sagemaker:UpdateModelPackage", platform.package, request)
        assert decision.outcome == Outcome.EXPLICIT_DENY


def test_the_steps_role_changes_nothing_but_a_stage(iam_model, platform):
    """Negative control for the stage grant: an update naming no stage (a description, a card) is denied."""
    steps = iam_model.role(STEPS).principal
    decision = iam_model.decide(steps, "sagemaker:UpdateModelPackage", platform.package, {})
    assert not decision.allowed
    assert not _sets(iam_model, steps, platform, **{"sagemaker:ModelLifeCycle:Stage": "QA"})


def test_the_audit_recorder_writes_cards_but_sets_no_approval_and_no_stage(iam_model, platform):
    recorder = iam_model.role("mlplatform-audit-recorder").principal
    assert _sets(iam_model, recorder, platform)  # a ModelCard update: no status, no stage
    for context in (
        {"sagemaker:ModelApprovalStatus": "Approved"},
        {"sagemaker:ModelLifeCycle:Stage": "Production"},
        {"sagemaker:ModelLifeCycle:Stage": "Staging"},
    ):
        assert not _sets(iam_model, recorder, platform, **context), context


def test_the_step_script_sets_exactly_the_stages_iam_allows():
    from ml_constructs.promotion_pipeline.steps import set_stage
    from platform_config import naming

    assert set_stage.STAGES == naming.LIFECYCLE_STAGES
    assert set_stage.PRODUCTION == naming.PRODUCTION_STAGE
