"""Reading principals and policies from a synthesized assembly: intrinsics rendered to the strings
CloudFormation would produce, policies attached across stacks, resource policies where they govern."""

from __future__ import annotations

import json

import pytest

from cfn.assembly import SynthesizedStack
from compliance.iam.assembly import IamModel
from compliance.iam.resolve import AssemblyValues, UnresolvableValue
from compliance.iam.statements import statements
from compliance.wildcards import _flatten


def stack(tmp_path, name: str, template: dict, account: str = "111111111111") -> SynthesizedStack:
    path = tmp_path / f"{name}.template.json"
    path.write_text(json.dumps(template))
    return SynthesizedStack("dev", name, f"dev/{name}", account, "eu-west-1", path)


def test_intrinsics_render_to_concrete_strings(tmp_path):
    shared = stack(
        tmp_path,
        "dev-Shared",
        {
            "Resources": {"Key1": {"Type": "AWS::KMS::Key", "Properties": {}}},
            "Outputs": {
                "KeyArn": {
                    "Value": {"Fn::GetAtt": ["Key1", "Arn"]},
                    "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-key"}},
                },
            },
        },
    )
    user = stack(
        tmp_path,
        "dev-User",
        {
            "Parameters": {"Prefix": {"Type": "String", "Default": "data"}},
            "Resources": {
                "Bucket": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"BucketName": {"Fn::Sub": "${Prefix}-${AWS::AccountId}"}},
                },
                "Role": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/team/"}},
            },
        },
    )
    values = AssemblyValues([shared, user])
    render = values.render
    assert render(user, {"Fn::GetAtt": ["Bucket", "Arn"]}) == "arn:aws:s3:::data-111111111111"
    assert (
        render(user, {"Fn::GetAtt": ["Role", "Arn"]}) == "arn:aws:iam::111111111111:role/team/dev-User-Role"
    )
    assert (
        render(user, {"Fn::ImportValue": "dev-Shared-key"}) == "arn:aws:kms:eu-west-1:111111111111:key/Key1"
    )
    output = {
        "Fn::GetStackOutput": {"StackName": "dev-Shared", "Region": "eu-west-1", "OutputName": "KeyArn"}
    }
    assert render(user, {"Fn::Join": ["", [output, "/x"]]}) == "arn:aws:kms:eu-west-1:111111111111:key/Key1/x"
    assert render(user, {"Fn::Select": [1, {"Fn::Split": [":", "a:b:c"]}]}) == "b"
    assert (
        render(user, {"Fn::Sub": ["${Name}.${Bucket.Arn} ${!Literal}", {"Name": "n"}]})
        == "n.arn:aws:s3:::data-111111111111 ${Literal}"
    )
    assert values.resolve(user, {"Condition": {"Bool": {"k": "true"}}, "Resource": [{"Ref": "Bucket"}]}) == {
        "Condition": {"Bool": {"k": "true"}},
        "Resource": ["data-111111111111"],
    }
    for unknown in (
        {"Fn::If": ["C", "a", "b"]},
        {"Ref": "AWS::NoValue"},
        {"Fn::GetAtt": ["Bucket", "WebsiteURL"]},
    ):
        with pytest.raises(UnresolvableValue):
            render(user, unknown)


def test_cdk_nag_names_are_unchanged():
    """The wildcard acknowledgments name findings as cdk-nag does: Join flattened, Ref and GetAtt as <...>."""
    value = {
        "Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "B"}, "/", {"Fn::GetAtt": ["K", "Arn"]}, {"Fn::Sub": "x"}]]
    }
    assert _flatten(value) == 'arn:aws:s3:::<B>/<K.Arn>{"Fn::Sub":"x"}'


def test_every_role_has_every_attached_policy_document(iam_model):
    assert {r.name: r.unknown_policies for r in iam_model.roles.values() if r.unknown_policies} == {}
    assert len([r for r in iam_model.roles.values() if r.principal.account == "111111111111"]) >= 10


def test_policies_attach_across_stacks_and_documents_hold_only_strings(iam_model, platform):
    build = iam_model.role("mlplatform-churn-model-build")
    assert build.stack == "dev-ModelBuild-churn"
    assert "OnlyTheComplianceOfficerChangesApprovalStatus" in [
        s.get("Sid") for s in build.statements
    ]  # dev-Studio's guard
    assert next(s["Sid"] for s in statements(build.principal.boundary)) == "CeilingOfPersonaPermissions"
    (keys,) = [s for s in build.statements if s.get("Sid") == "UseDataKeys"]
    assert keys["Resource"] == [platform.data_key, platform.artifacts_key]
    assert (
        platform.data_key == "arn:aws:kms:eu-west-1:111111111111:key/" + platform.data_key.rsplit("/", 1)[1]
    )
    rendered = json.dumps([d.document for d in iam_model.documents])
    assert '"Ref"' not in rendered and '"Fn::' not in rendered


def test_resource_policies_govern_their_resources(iam_model, platform):
    package = iam_model.resource(
        "sagemaker:DescribeModelPackage", platform.sagemaker("model-package/mlplatform-churn/3")
    )
    assert package.account == "111111111111" and "ServingAccountsReadPackagesAndCreateModels" in json.dumps(
        package.policy
    )
    assert (
        iam_model.resource(
            "sagemaker:DescribeModelPackage", platform.sagemaker("model-package/other/3")
        ).policy
        is None
    )
    obj = iam_model.resource("s3:GetObject", f"{platform.bucket('model-artifacts')}/churn/model.tar.gz")
    assert obj.account == "111111111111" and obj.policy and not obj.policy_required
    key = iam_model.resource("kms:Decrypt", platform.artifacts_key)
    assert key.policy_required and key.policy
    role = iam_model.role("mlplatform-churn-test-check").principal.arn
    assert iam_model.resource("sts:AssumeRole", role).policy_required  # the trust policy governs assuming it
    assert iam_model.resource("iam:PassRole", role).policy is None  # but not passing it


def test_an_unknown_attached_policy_is_reported_not_ignored(tmp_path):
    role = stack(
        tmp_path,
        "dev-Roles",
        {
            "Resources": {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "RoleName": "r",
                        "AssumeRolePolicyDocument": {"Statement": []},
                        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    },
                }
            }
        },
    )
    (found,) = IamModel([role]).roles.values()
    assert found.unknown_policies == ("arn:aws:iam::aws:policy/ReadOnlyAccess",)
