"""The dev account: Studio for every persona, segregation of duties, the registry, and its data."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from compliance.iam.evaluate import Outcome
from tests.templates import one

PERSONA_ROLES = {
    "data-engineer": "DataEngineerRole",
    "data-scientist": "DataScientistRole",
    "mlops-engineer": "MlopsEngineerRole",
    "compliance-officer": "ComplianceOfficerRole",
}


def _logical_id(template: dict, prefix: str, resource_type: str) -> str:
    (logical_id,) = [
        k for k, v in template["Resources"].items() if v["Type"] == resource_type and prefix in k
    ]
    return logical_id


@pytest.fixture(scope="module")
def studio(synthesized) -> dict:
    return synthesized["dev/Studio"].template


def test_studio_domain_is_vpc_only_with_iam_auth_and_encrypted_efs(template):
    template("dev/Studio").has_resource_properties(
        "AWS::SageMaker::Domain",
        {
            "AppNetworkAccessType": "VpcOnly",
            "AuthMode": "IAM",
            "KmsKeyId": Match.object_like(
                {
                    "Fn::GetStackOutput": Match.object_like(
                        {"StackName": "dev-Storage", "OutputName": Match.string_like_regexp("DataKey")}
                    )
                }
            ),
        },
    )


def test_jupyterlab_shuts_down_when_idle_and_starts_small(template, example_config):
    template("dev/Studio").has_resource_properties(
        "AWS::SageMaker::Domain",
        {
            "DefaultUserSettings": Match.object_like(
                {
                    "JupyterLabAppSettings": {
                        "AppLifecycleManagement": {
                            "IdleSettings": Match.object_like(
                                {
                                    "LifecycleManagement": "ENABLED",
                                    "IdleTimeoutInMinutes": example_config.studio.idle_timeout_minutes,
                                }
                            )
                        },
                        "DefaultResourceSpec": {"InstanceType": "ml.t3.medium"},
                    }
                }
            )
        },
    )


def test_one_user_profile_per_person_with_their_personas_role(studio, example_config):
    profiles = {
        r["Properties"]["UserProfileName"]: r["Properties"]["UserSettings"]["ExecutionRole"]["Fn::GetAtt"][0]
        for r in studio["Resources"].values()
        if r["Type"] == "AWS::SageMaker::UserProfile"
    }
    assert {name: role_id.rstrip("0123456789ABCDEF") for name, role_id in profiles.items()} == {
        person.name: PERSONA_ROLES[person.persona] for person in example_config.people
    }


def _decide(iam_model, platform, persona: str, action: str, resource: str, **context) -> Outcome:
    role = iam_model.role(f"mlplatform-{persona}")
    return iam_model.decide(role.principal, action, platform.sagemaker(resource), context).outcome


IN_THE_VPC = {"sagemaker:VpcSubnets": ["subnet-1"], "sagemaker:VpcSecurityGroupIds": ["sg-1"]}


@pytest.mark.parametrize("persona", ["data-engineer", "data-scientist", "mlops-engineer"])
def test_no_role_but_the_compliance_officers_can_change_approval_status(persona, iam_model, platform):
    approve = {"sagemaker:ModelApprovalStatus": "Approved"}
    assert (
        _decide(
            iam_model,
            platform,
            persona,
            "sagemaker:UpdateModelPackage",
            "model-package/mlplatform-churn/1",
            **approve,
        )
        is Outcome.EXPLICIT_DENY
    )
    guard = [
        s
        for s in iam_model.role(f"mlplatform-{persona}").statements
        if s.get("Sid") == "ModelVersionsAreRegisteredPendingApproval"
    ]
    assert guard == [
        {
            "Sid": "ModelVersionsAreRegisteredPendingApproval",
            "Effect": "Deny",
            "Action": "sagemaker:CreateModelPackage",
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
            },
        }
    ]


def test_the_compliance_officer_may_approve_or_reject_and_nothing_else(iam_model, platform):
    for status in ("Approved", "Rejected"):
        decided = _decide(
            iam_model,
            platform,
            "compliance-officer",
            "sagemaker:UpdateModelPackage",
            "model-package/mlplatform-churn/1",
            **{"sagemaker:ModelApprovalStatus": status},
        )
        assert decided is Outcome.ALLOW, status
    (approve,) = [
        s
        for s in iam_model.role("mlplatform-compliance-officer").statements
        if s.get("Sid") == "ApproveOrRejectModelVersions"
    ]
    assert approve["Condition"] == {
        "StringEquals": {"sagemaker:ModelApprovalStatus": ["Approved", "Rejected"]}
    }
    # Segregation of duties: who approves cannot register, train or deploy.
    pending = {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    for action, resource, context in (
        ("sagemaker:CreateModelPackage", "model-package/mlplatform-churn/2", pending),
        ("sagemaker:CreateTrainingJob", "training-job/mlplatform-churn-1", IN_THE_VPC),
        ("sagemaker:CreateEndpoint", "endpoint/mlplatform-churn-dev", {}),
    ):
        assert (
            _decide(iam_model, platform, "compliance-officer", action, resource, **context)
            is Outcome.IMPLICIT_DENY
        ), action


def test_data_scientists_register_only_pending_versions(iam_model, platform):
    (register,) = [
        s
        for s in iam_model.role("mlplatform-data-scientist").statements
        if s.get("Sid") == "RegisterModelVersionsPendingApproval"
    ]
    assert register["Condition"] == {
        "StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    }
    assert (
        _decide(
            iam_model,
            platform,
            "data-scientist",
            "sagemaker:CreateTrainingJob",
            "training-job/mlplatform-churn-1",
            **IN_THE_VPC,
        )
        is Outcome.ALLOW
    )
    assert (
        _decide(
            iam_model, platform, "data-scientist", "sagemaker:CreateEndpoint", "endpoint/mlplatform-churn-dev"
        )
        is Outcome.IMPLICIT_DENY
    )  # MLOps deploys


@pytest.mark.parametrize(
    ("persona", "allowed", "refused"),
    [
        # Feature Store is off in the example config: no feature groups, no records.
        (
            "data-engineer",
            [("sagemaker:CreateProcessingJob", "processing-job/mlplatform-clean")],
            [
                ("sagemaker:CreateTrainingJob", "training-job/mlplatform-churn-1"),
                ("sagemaker:PutRecord", "feature-group/mlplatform-churn"),
            ],
        ),
        (
            "mlops-engineer",
            [
                ("sagemaker:StartPipelineExecution", "pipeline/mlplatform-churn-model-build"),
                ("sagemaker:CreateEndpoint", "endpoint/mlplatform-churn-dev"),
            ],
            [("sagemaker:CreateFeatureGroup", "feature-group/mlplatform-churn")],
        ),
    ],
)
def test_each_persona_gets_its_job(persona, allowed, refused, iam_model, platform):
    assert [_decide(iam_model, platform, persona, a, r, **IN_THE_VPC) for a, r in allowed] == [
        Outcome.ALLOW
    ] * len(allowed)
    assert [_decide(iam_model, platform, persona, a, r, **IN_THE_VPC) for a, r in refused] == [
        Outcome.IMPLICIT_DENY
    ] * len(refused)


@pytest.mark.parametrize("persona", ["data-engineer", "data-scientist"])
def test_jobs_outside_the_vpc_are_denied_by_the_boundary(persona, iam_model, platform):
    job = (
        "processing-job/mlplatform-clean" if persona == "data-engineer" else "training-job/mlplatform-churn-1"
    )
    action = "sagemaker:CreateProcessingJob" if persona == "data-engineer" else "sagemaker:CreateTrainingJob"
    assert _decide(iam_model, platform, persona, action, job) is Outcome.EXPLICIT_DENY


@pytest.mark.parametrize("persona", list(PERSONA_ROLES))
def test_every_persona_role_has_the_boundary_that_forbids_identity_changes(
    persona, studio, iam_model, platform
):
    role_id = _logical_id(studio, PERSONA_ROLES[persona], "AWS::IAM::Role")
    assert studio["Resources"][role_id]["Properties"]["PermissionsBoundary"] == {
        "Ref": _logical_id(studio, "PersonaBoundary", "AWS::IAM::ManagedPolicy")
    }
    principal = iam_model.role(f"mlplatform-{persona}").principal
    for action, resource in (
        ("iam:CreateRole", "arn:aws:iam::111111111111:role/anything"),
        ("iam:AttachRolePolicy", principal.arn),
        ("kms:ScheduleKeyDeletion", platform.data_key),
        ("s3:PutBucketPolicy", platform.bucket("raw-data")),
    ):
        assert iam_model.decide(principal, action, resource).outcome is Outcome.EXPLICIT_DENY, action


def test_registry_lets_test_and_prod_read_and_create_models_but_never_update(synthesized, example_config):
    registry = synthesized["dev/Registry"].template
    group = one(registry, "AWS::SageMaker::ModelPackageGroup")
    assert group["Properties"]["ModelPackageGroupName"] == "mlplatform-churn"
    assert group["DeletionPolicy"] == "Retain"
    statements_ = [
        s for s in group["Properties"]["ModelPackageGroupPolicy"]["Statement"] if s["Effect"] == "Allow"
    ]
    accounts = {f"arn:aws:iam::{a}:root" for a in ("222222222222", "333333333333")}
    assert all(set(s["Principal"]["AWS"]) == accounts for s in statements_)
    actions = {
        a for s in statements_ for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert actions == {
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListModelPackages",
        "sagemaker:CreateModel",
    }
    assert not [a for a in actions if a.startswith(("sagemaker:Update", "sagemaker:Delete", "sagemaker:Put"))]


def _flat(value) -> str:
    """A bucket-object ARN as text: `{"Fn::Join": ["", [{"Fn::GetAtt": [id, "Arn"]}, "/k"]]}` -> `<id.Arn>/k`."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(_flat(part) for part in value["Fn::Join"][1])
    logical_id, attribute = value["Fn::GetAtt"]
    human = logical_id.rstrip("0123456789ABCDEF").removeprefix("Storage")  # without CDK's hash and path
    return f"<{human}.{attribute}>"


def _buckets(storage: dict) -> dict[str, dict]:
    return {
        r["Properties"]["BucketName"]: r
        for r in storage["Resources"].values()
        if r["Type"] == "AWS::S3::Bucket"
    }


def test_data_buckets_are_encrypted_versioned_private_logged_and_retained(synthesized):
    storage = synthesized["dev/Storage"].template
    buckets = _buckets(storage)
    assert sorted(buckets) == [
        f"mlplatform-{p}-111111111111"
        for p in ("access-logs", "model-artifacts", "processed-data", "prod-feedback", "raw-data")
    ]
    for name, bucket in buckets.items():
        properties = bucket["Properties"]
        assert bucket["DeletionPolicy"] == "Retain", name
        assert properties["VersioningConfiguration"] == {"Status": "Enabled"}, name
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, name
        if "access-logs" in name:
            continue
        (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms", name
        key = encryption["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]["Fn::GetAtt"][0]
        assert storage["Resources"][key]["Properties"]["EnableKeyRotation"] is True
        assert "AccessLogsBucket" in properties["LoggingConfiguration"]["DestinationBucketName"]["Ref"], name


def test_model_artifacts_are_shared_with_the_serving_roles_only(synthesized):
    """The bucket and key admit the platform's model roles of test and prod; each role's own policy
    narrows that to its project (see test_serving)."""
    storage = synthesized["dev/Storage"].template
    policy = next(
        r["Properties"]["PolicyDocument"]
        for r in storage["Resources"].values()
        if r["Type"] == "AWS::S3::BucketPolicy" and "ModelArtifacts" in r["Properties"]["Bucket"]["Ref"]
    )
    shares = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Action"], s["Condition"]) for s in shares] == [
        (
            {"AWS": f"arn:aws:iam::{account}:root"},
            ["s3:GetObject", "s3:GetObjectVersion"],
            {"ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{account}:role/mlplatform-*-{role}-model"]}},
        )
        for account, role in (("222222222222", "test"), ("333333333333", "prod"))
    ]
    assert not [s for s in shares if "s3:PutObject" in s["Action"] or "s3:*" in s["Action"]]
    # Served models and their baselines only: never the training splits, code or metrics.
    for share in shares:
        assert sorted(_flat(r) for r in share["Resource"]) == sorted(
            f"<ModelArtifactsBucket.Arn>/*/model-build/*/{output}/*"
            for output in (
                "data-quality-baseline",
                "model",
                "model-quality-baseline",
                "model-bias",
                "model-explainability",
            )
        )
    key = next(
        r
        for k, r in storage["Resources"].items()
        if r["Type"] == "AWS::KMS::Key" and "ModelArtifactsKey" in k
    )
    cross_account = [s for s in key["Properties"]["KeyPolicy"]["Statement"] if s["Action"] == "kms:Decrypt"]
    assert [s["Condition"]["ArnLike"]["aws:PrincipalArn"] for s in cross_account] == [
        ["arn:aws:iam::222222222222:role/mlplatform-*-test-model"],
        ["arn:aws:iam::333333333333:role/mlplatform-*-prod-model"],
    ]
    assert all(
        s["Condition"]["StringEquals"] == {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
        for s in cross_account
    )


def test_dev_vpc_has_no_internet_path_and_the_configured_endpoints(synthesized, example_config):
    network = synthesized["dev/Network"].template
    types = [r["Type"] for r in network["Resources"].values()]
    assert "AWS::EC2::InternetGateway" not in types and "AWS::EC2::NatGateway" not in types
    endpoints = sorted(
        r["Properties"]["ServiceName"]
        for r in network["Resources"].values()
        if r["Type"] == "AWS::EC2::VPCEndpoint" and r["Properties"].get("VpcEndpointType") == "Interface"
    )
    assert endpoints == sorted(
        f"com.amazonaws.eu-west-1.{s}" for s in example_config.interface_endpoints("dev")
    )
    subnets = [
        r["Properties"]["AvailabilityZone"]
        for r in network["Resources"].values()
        if r["Type"] == "AWS::EC2::Subnet"
    ]
    assert subnets == list(example_config.accounts.dev.availability_zones)


def test_the_registry_itself_denies_approval_to_all_but_compliance_officers(synthesized):
    """Held for every principal of the account (admins and deployment roles too), not just ours."""
    registry = synthesized["dev/Registry"].template
    group = one(registry, "AWS::SageMaker::ModelPackageGroup")
    denies = {
        s["Sid"]: s
        for s in group["Properties"]["ModelPackageGroupPolicy"]["Statement"]
        if s["Effect"] == "Deny"
    }
    assert all(s["Principal"] == "*" for s in denies.values())
    officer = "arn:aws:iam::111111111111:role/mlplatform-compliance-officer"
    steps = "arn:aws:iam::111111111111:role/mlplatform-churn-promotion-steps"
    changes = denies["OnlyComplianceOfficersAndThePromotionChangeVersions"]
    assert changes["Action"] == "sagemaker:UpdateModelPackage"
    recorder = "arn:aws:iam::111111111111:role/mlplatform-audit-recorder"
    assert changes["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": [officer, steps, recorder]}}
    assert denies["TheAuditRecorderSetsNoStage"]["Condition"] == {
        "Null": {"sagemaker:ModelLifeCycle:Stage": "false"},
        "ArnEquals": {"aws:PrincipalArn": recorder},
    }
    assert denies["OnlyComplianceOfficersSetAnApprovalStatus"]["Condition"] == {
        "Null": {"sagemaker:ModelApprovalStatus": "false"},
        "ArnNotLike": {"aws:PrincipalArn": [officer]},
    }
    assert denies["OnlyThePromotionSetsProduction"]["Action"] == [
        "sagemaker:UpdateModelPackage",
        "sagemaker:CreateModelPackage",
    ]
    assert denies["OnlyThePromotionSetsProduction"]["Condition"] == {
        "StringEqualsIgnoreCase": {"sagemaker:ModelLifeCycle:Stage": "Production"},
        "ArnNotEquals": {"aws:PrincipalArn": steps},
    }
    assert denies["ThePromotionChangesOnlyLifecycleStages"]["Condition"] == {
        "Null": {"sagemaker:ModelLifeCycle:Stage": "true"},
        "ArnEquals": {"aws:PrincipalArn": steps},
    }
    assert denies["VersionsAreRegisteredPendingApproval"]["Condition"] == {
        "StringNotEqualsIfExists": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}
    }
    assert "Condition" not in denies["NobodyErasesVersions"]
    assert denies["OnlyDeploymentsChangeThisPolicy"]["Condition"] == {
        "ArnNotEquals": {
            "aws:PrincipalArn": "arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1"
        }
    }


def test_the_platforms_bootstrap_qualifier_is_cdks_default():
    """The registry exempts, and the promotion deploys through, the bootstrap roles by this name."""
    from aws_cdk import DefaultStackSynthesizer

    from platform_config.naming import CDK_QUALIFIER

    assert CDK_QUALIFIER == DefaultStackSynthesizer.DEFAULT_QUALIFIER
