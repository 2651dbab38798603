"""Promotion: the pipeline's stage order, cross-account deploys, the gate and who may answer it, the
trigger's rule, and the audit trail."""

from __future__ import annotations

import json

import pytest
from moto.events.models import EventPattern

from compliance.iam.evaluate import Outcome
from tests.events import GATE, REGISTRY, gate_event, registry_event
from tests.templates import one


@pytest.fixture(scope="module")
def promotion(synthesized) -> dict:
    """The churn project's promotion pipeline stack."""
    return synthesized["dev/Promotion-churn"].template


@pytest.fixture(scope="module")
def shared(synthesized) -> dict:
    """The trigger, audit trail and gate topic all pipelines share."""
    return synthesized["dev/Promotion"].template


def _pipeline(template: dict) -> dict:
    pipeline = one(template, "AWS::CodePipeline::Pipeline")
    return pipeline["Properties"]


def _action(pipeline: dict, stage: str, run_order: int = 1) -> dict:
    """The stage's action that runs `run_order`th (DeployTest and VerifyProd then mark the stage)."""
    actions = next(s for s in pipeline["Stages"] if s["Name"] == stage)["Actions"]
    (action,) = [a for a in actions if a.get("RunOrder", 1) == run_order]
    return action


def test_stages_run_in_promotion_order(promotion):
    pipeline = _pipeline(promotion)
    assert [s["Name"] for s in pipeline["Stages"]] == [
        "Source",
        "Resolve",
        "DeployTest",
        "AcceptanceTest",
        "ApproveForProd",
        "DeployProd",
        "VerifyProd",
    ]
    assert pipeline["Name"] == "mlplatform-churn-promotion"
    assert pipeline["PipelineType"] == "V2"
    assert pipeline["Variables"] == [
        {
            "Name": "ModelPackageArn",
            "DefaultValue": "none",
            "Description": "The approved model package version to promote",
        },
        {
            "Name": "ChampionCheck",
            "DefaultValue": "enforce",
            "Description": "enforce: no regression against prod's champion; rollback: accept one",
        },
    ]


def test_source_is_the_synthesized_serving_templates_not_a_git_provider(promotion, example_outdir):
    source = _action(_pipeline(promotion), "Source")
    assert source["ActionTypeId"]["Provider"] == "S3"
    folder = example_outdir / "promotion-source-churn"
    assert sorted(p.name for p in folder.iterdir()) == ["prod.template.json", "steps", "test.template.json"]
    assert (
        json.loads((folder / "prod.template.json").read_text())["Parameters"]["ModelPackageArn"]["Default"]
        == ""
    )
    assert sorted(p.name for p in (folder / "steps").iterdir()) == [
        "acceptance_test.py",
        "champion.py",
        "common.py",
        "model_card_check.py",
        "registered_checks.py",
        "resolve_package.py",
        "sample_requests.csv",
        "set_stage.py",
        "verify_endpoint.py",
    ]
    resolve = _action(_pipeline(promotion), "Resolve")["Configuration"]["EnvironmentVariables"]
    assert {v["name"]: v["value"] for v in json.loads(resolve)} == {
        "STEP": "resolve_package",
        "MODEL_PACKAGE_ARN": "#{variables.ModelPackageArn}",
        "MODEL_PACKAGE_GROUP": "mlplatform-churn",
        # Deploy order: Resolve refuses to start while the serving stages are not deployed.
        "TEST_CHECK_ROLE_ARN": "arn:aws:iam::222222222222:role/mlplatform-churn-test-check",
        "TEST_STACK": "test-Serving-churn",
        "PROD_CHECK_ROLE_ARN": "arn:aws:iam::333333333333:role/mlplatform-churn-prod-check",
        "PROD_STACK": "prod-Serving-churn",
        # The champion check: prod's endpoint, the project's metric and tolerance, the run's mode.
        "PROD_ENDPOINT_NAME": "mlplatform-churn-prod",
        "QUALITY_METRIC": "auc",
        "CHAMPION_TOLERANCE": "0.01",
        "CHAMPION_CHECK": "#{variables.ChampionCheck}",
    }


@pytest.mark.parametrize(
    ("stage", "first", "mark", "lifecycle"),
    [
        ("DeployTest", "DeployTest", "MarkStaging", "Staging"),
        ("VerifyProd", "VerifyProd", "MarkProduction", "Production"),
    ],
)
def test_the_lifecycle_stage_is_set_only_after_its_deploy_or_verification_succeeded(
    promotion, stage, first, mark, lifecycle
):
    pipeline = _pipeline(promotion)
    assert _action(pipeline, stage)["Name"] == first
    marking = _action(pipeline, stage, run_order=2)
    assert marking["Name"] == mark
    variables = {v["name"]: v["value"] for v in json.loads(marking["Configuration"]["EnvironmentVariables"])}
    assert variables == {
        "STEP": "set_stage",
        "STAGE": lifecycle,
        "MODEL_PACKAGE_ARN": "#{variables.ModelPackageArn}",
        "MODEL_PACKAGE_GROUP": "mlplatform-churn",
        "PIPELINE_EXECUTION_ID": "#{codepipeline.PipelineExecutionId}",
    }


def test_the_codebuild_actions_share_one_role_that_may_only_run_the_steps_project(promotion):
    """Five actions start the same project: one role with that grant, not a role and policy each
    (CDK's default, 8 IAM resources more per project). The negative control is CDK's default: each
    action naming a role of its own fails the first assertion."""
    actions = [a for s in _pipeline(promotion)["Stages"] for a in s["Actions"]]
    steps = [a for a in actions if a["ActionTypeId"]["Provider"] == "CodeBuild"]
    roles = {json.dumps(a["RoleArn"]) for a in steps}
    assert len(steps) == 5 and len(roles) == 1
    (role_id,) = (json.loads(role)["Fn::GetAtt"][0] for role in roles)
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in promotion["Resources"].values()
        if p["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    (project,) = (k for k, r in promotion["Resources"].items() if r["Type"] == "AWS::CodeBuild::Project")
    assert policies == [
        [
            {
                "Action": ["codebuild:BatchGetBuilds", "codebuild:StartBuild", "codebuild:StopBuild"],
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [project, "Arn"]},
            }
        ]
    ]
    trust = promotion["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    (pipeline_role,) = (
        k
        for k in promotion["Resources"]
        if k.startswith("PromotionPipelineRole") and promotion["Resources"][k]["Type"] == "AWS::IAM::Role"
    )
    assert [s["Principal"] for s in trust] == [{"AWS": {"Fn::GetAtt": [pipeline_role, "Arn"]}}]


def test_the_automatic_first_run_skips_every_stage_after_source(promotion):
    """CodePipeline starts a new pipeline once by itself, with ModelPackageArn at its default."""
    for stage in _pipeline(promotion)["Stages"][1:]:
        (condition,) = stage["BeforeEntry"]["Conditions"]
        (rule,) = condition["Rules"]
        assert condition["Result"] == "SKIP", stage["Name"]
        assert rule["RuleTypeId"]["Provider"] == "VariableCheck", stage["Name"]
        assert rule["Configuration"] == {
            "Variable": "#{variables.ModelPackageArn}",
            "Value": "none",
            "Operator": "NE",
        }
    assert "BeforeEntry" not in _pipeline(promotion)["Stages"][0]


def test_acceptance_holds_the_test_endpoint_to_its_own_latency_bound(promotion, example_config):
    acceptance = json.loads(
        _action(_pipeline(promotion), "AcceptanceTest")["Configuration"]["EnvironmentVariables"]
    )
    bound = next(v["value"] for v in acceptance if v["name"] == "MAX_P95_LATENCY_MS")
    assert bound == str(example_config.projects[0].test_serving.max_p95_latency_ms) == "2000"


@pytest.mark.parametrize(
    ("stage", "account", "stack"),
    [
        ("DeployTest", "222222222222", "test-Serving-churn"),
        ("DeployProd", "333333333333", "prod-Serving-churn"),
    ],
)
def test_deploys_go_through_the_target_accounts_bootstrap_roles(promotion, stage, account, stack):
    action = _action(_pipeline(promotion), stage)
    assert action["ActionTypeId"]["Provider"] == "CloudFormation"
    assert action["RoleArn"] == f"arn:aws:iam::{account}:role/cdk-hnb659fds-deploy-role-{account}-eu-west-1"
    configuration = action["Configuration"]
    assert configuration["StackName"] == stack
    assert (
        configuration["RoleArn"]
        == f"arn:aws:iam::{account}:role/cdk-hnb659fds-cfn-exec-role-{account}-eu-west-1"
    )
    overrides = json.loads(configuration["ParameterOverrides"])
    assert overrides["ModelPackageArn"] == "#{variables.ModelPackageArn}"
    assert overrides["ModelPackageVersion"] == "#{Resolve.MODEL_PACKAGE_VERSION}"
    if stage == "DeployProd":
        assert overrides["BaselineConstraintsUri"] == "#{Resolve.BASELINE_CONSTRAINTS_URI}"
        assert overrides["BaselineStatisticsUri"] == "#{Resolve.BASELINE_STATISTICS_URI}"


def test_the_gate_tells_the_compliance_officer_what_they_approve(promotion, shared):
    gate = _action(_pipeline(promotion), "ApproveForProd")
    assert gate["ActionTypeId"]["Category"] == "Approval"
    info = gate["Configuration"]["CustomData"]
    for shown in (
        "#{variables.ModelPackageArn}",
        "#{Resolve.MODEL_PACKAGE_VERSION}",
        "#{Resolve.QUALITY_SUMMARY}",
        "#{Resolve.CHAMPION_SUMMARY}",  # challenger and champion figures
        "#{AcceptanceTest.ACCEPTANCE_SUMMARY}",
        "`mlp-promote gate churn approve|reject --comment WHY`",  # the command that answers it
    ):
        assert shown in info
    assert len(info) <= 1000  # CodePipeline's ActionConfigurationValue limit
    topic = gate["Configuration"]["NotificationArn"]["Fn::GetStackOutput"]
    assert topic["StackName"] == "dev-Promotion" and "GateNotifications" in topic["OutputName"]
    gate_topic = one(shared, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in gate_topic["Properties"]


def test_resolve_exports_its_champion_comparison_for_the_gate(promotion):
    (project,) = [r for r in promotion["Resources"].values() if r["Type"] == "AWS::CodeBuild::Project"]
    exported = json.loads(project["Properties"]["Source"]["BuildSpec"])["env"]["exported-variables"]
    assert "CHAMPION_SUMMARY" in exported


def test_artifacts_are_encrypted_with_the_promotion_key(promotion):
    (region,) = _pipeline(promotion)["ArtifactStores"]
    store = region["ArtifactStore"]
    assert store["EncryptionKey"]["Type"] == "KMS"
    assert "PromotionKey" in store["EncryptionKey"]["Id"]["Fn::GetStackOutput"]["OutputName"]


def test_only_the_compliance_officer_answers_the_gate(synthesized, iam_model, platform):
    studio = synthesized["dev/Studio"].template
    # The persona roles, by name (the operator commands' upload role may not answer either, if only
    # implicitly: tests/test_effective_permissions.py checks every role of dev).
    names = [
        r["Properties"]["RoleName"]
        for r in studio["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and "RoleName" in r["Properties"]
    ]
    gate = f"{platform.promotion_pipeline}/ApproveForProd/ApproveForProd"

    def answer(name: str) -> Outcome:
        return iam_model.decide(
            iam_model.role(name).principal, "codepipeline:PutApprovalResult", gate
        ).outcome

    assert answer("mlplatform-compliance-officer") is Outcome.ALLOW
    (rule,) = [
        s
        for s in iam_model.role("mlplatform-compliance-officer").statements
        if s.get("Sid") == "AnswerTheProdGate"
    ]
    assert (
        rule["Resource"]
        == "arn:aws:codepipeline:eu-west-1:111111111111:mlplatform-*-promotion/ApproveForProd/ApproveForProd"
    )
    for name in names:
        if name != "mlplatform-compliance-officer":
            assert answer(name) is Outcome.EXPLICIT_DENY, name


def _rule(template: dict, description_part: str) -> dict:
    return next(
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Events::Rule" and description_part in r["Properties"].get("Description", "")
    )


def matches(pattern: dict, event: dict) -> bool:
    """EventBridge's matching, as moto implements it (its `test_event_pattern` API is a stub)."""
    return EventPattern.load(json.dumps(pattern)).matches_event(event)


DOCUMENTED = {f"registry:{kind}": registry_event(kind) for kind in REGISTRY} | {
    f"gate:{state}": gate_event(state) for state in GATE
}
# The rules' descriptions, and the documented events each must match: all others it must not.
RULES = {
    "Approved versions": {"registry:approved"},
    "Approvals and rejections": {"registry:approved", "registry:rejected", "registry:approval_revoked"},
    "Lifecycle stages": {"registry:lifecycle_updated"},
    "ApproveForProd gate": {"gate:succeeded", "gate:failed"},
}


@pytest.mark.parametrize("event", sorted(DOCUMENTED))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_matches_exactly_its_documented_events(shared, rule, event):
    pattern = _rule(shared, rule)["EventPattern"]
    assert matches(pattern, DOCUMENTED[event]) is (event in RULES[rule])


def _with(event: dict, **detail) -> dict:
    return event | {"detail": event["detail"] | detail}


@pytest.mark.parametrize("rule", ["Approved versions", "Approvals and rejections"])
@pytest.mark.parametrize(
    "detail",
    [
        {"ModelPackageGroupName": "someone-elses-models"},
        {"ModelApprovalStatus": "approved"},
        {"UpdatedModelPackageFields": ["ApprovalDescription"]},
        {"UpdatedModelPackageFields": ["CustomerMetadataProperties", "ModelLifeCycle"]},
    ],
)
def test_registry_rules_match_no_foreign_group_other_spelling_or_metadata_only_update(shared, rule, detail):
    assert not matches(_rule(shared, rule)["EventPattern"], _with(registry_event("approved"), **detail))


def test_the_gate_rule_matches_no_other_pipeline_nor_action(shared):
    pattern = _rule(shared, "ApproveForProd gate")["EventPattern"]
    answer = gate_event("succeeded")
    assert not matches(pattern, _with(answer, pipeline="someone-elses-pipeline"))
    assert not matches(pattern, _with(answer, action="Deploy", stage="DeployProd"))
    assert not matches(pattern, _with(answer, type=answer["detail"]["type"] | {"category": "Deploy"}))


@pytest.mark.parametrize("rule", ["Approved versions", "Approvals and rejections"])
def test_negative_control_without_the_updated_fields_filter_a_metadata_only_update_matches(shared, rule):
    pattern = json.loads(json.dumps(_rule(shared, rule)["EventPattern"]))
    del pattern["detail"]["UpdatedModelPackageFields"]
    assert matches(pattern, registry_event("lifecycle_updated"))
    assert not matches(_rule(shared, rule)["EventPattern"], registry_event("lifecycle_updated"))


def test_the_audit_table_outlives_the_stack_encrypted(shared):
    (table,) = [
        r
        for r in shared["Resources"].values()
        if r["Type"] == "AWS::DynamoDB::GlobalTable"
        and r["Properties"].get("TableName") == "mlplatform-promotion-audit"
    ]
    assert table["DeletionPolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["TableName"] == "mlplatform-promotion-audit"
    assert properties["SSESpecification"]["SSEType"] == "KMS"
    replica = properties["Replicas"][0]
    assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert replica["DeletionProtectionEnabled"] is True


def test_the_promotion_functions_know_each_project_from_their_code_not_their_environment(
    shared, example_outdir
):
    """One entry per project grows past Lambda's 4 KB environment at 50 projects (issue 12), so
    the projects ship as `projects.json` in the functions' code (one asset for both)."""
    functions = [
        r["Properties"] for r in shared["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    ]
    assert {f["Handler"] for f in functions} == {"trigger.handler", "audit.handler"}
    assert all("PROJECTS" not in f["Environment"]["Variables"] for f in functions)
    (asset,) = {f["Code"]["S3Key"].removesuffix(".zip") for f in functions}
    projects = json.loads((example_outdir / f"asset.{asset}" / "projects.json").read_text())
    assert projects == {
        "projects": {
            "churn": {
                "model_package_group": "mlplatform-churn",
                "promotion_pipeline": "mlplatform-churn-promotion",
            }
        }
    }
    assert all("DeadLetterConfig" in f and "KmsKeyArn" in f for f in functions)


def test_serving_accounts_trust_only_the_pipelines_steps_role(synthesized, iam_model, platform):
    steps = iam_model.role("mlplatform-churn-promotion-steps").principal
    for role, may_invoke in (("test", True), ("prod", False)):
        template = synthesized[f"{role}/Serving-churn"].template
        (check,) = [
            r
            for r in template["Resources"].values()
            if r["Type"] == "AWS::IAM::Role"
            and r["Properties"].get("RoleName") == f"mlplatform-churn-{role}-check"
        ]
        (trust,) = check["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Condition"] == {
            "ArnEquals": {
                "aws:PrincipalArn": "arn:aws:iam::111111111111:role/mlplatform-churn-promotion-steps"
            }
        }
        account = platform.accounts[role]
        principal = iam_model.role(f"mlplatform-churn-{role}-check").principal
        assert iam_model.decide(steps, "sts:AssumeRole", principal.arn).allowed
        endpoint = platform.sagemaker(f"endpoint/mlplatform-churn-{role}", account)
        assert iam_model.decide(principal, "sagemaker:InvokeEndpoint", endpoint).allowed is may_invoke


def test_the_artifact_key_is_shared_only_with_the_target_accounts_deploy_roles(shared):
    (key,) = [
        r
        for k, r in shared["Resources"].items()
        if r["Type"] == "AWS::KMS::Key" and k.startswith("PromotionKey")
    ]
    outside = [
        s["Principal"]["AWS"]
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s["Principal"].get("AWS") not in (None, "arn:aws:iam::111111111111:root")  # None: a service
    ]
    assert outside == [
        [
            "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1",
            "arn:aws:iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-1",
        ]
    ]
