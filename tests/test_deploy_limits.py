"""Deploy-time size limits (compliance/deploy_limits.py): the example platform is inside every one,
and each check fails on a template that exceeds it (negative controls). The 50-project app is checked
in tests/test_scale.py, the longest accepted names in tests/test_config_names.py."""

from __future__ import annotations

import json

import pytest

from cfn.assembly import SynthesizedStack
from compliance import deploy_limits
from compliance.deploy_limits import limit_problems


def test_the_example_platform_is_inside_every_limit(synthesized):
    assert limit_problems(list(synthesized.values())) == []


def stack(tmp_path, resources: dict, **template) -> SynthesizedStack:
    path = tmp_path / "planted.template.json"
    path.write_text(json.dumps({"Resources": resources, **template}))
    return SynthesizedStack("dev", "dev-Planted", "dev/Planted", "111111111111", "eu-west-1", path)


def statement(i: int, resource: str = "*") -> dict:
    return {"Sid": f"S{i}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}


PLANTED = {
    "a Lambda environment of 5 KB": (
        {
            "F": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Environment": {"Variables": {"A": "x" * 5000}}},
            }
        },
        deploy_limits.LAMBDA_ENVIRONMENT,
    ),
    "a managed policy of 7,000 characters": (
        {
            "P": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": {"Statement": [statement(i, "a" * 60) for i in range(80)]}},
            }
        },
        deploy_limits.MANAGED_POLICY,
    ),
    "a queue policy of 21 statements": (
        {
            "Q": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": ["q"],
                    "PolicyDocument": {"Statement": [statement(i) for i in range(21)]},
                },
            }
        },
        deploy_limits.QUEUE_STATEMENTS,
    ),
    "an event pattern of 2,100 characters": (
        {
            "R": {
                "Type": "AWS::Events::Rule",
                "Properties": {"EventPattern": {"detail": {"group": [f"group-{i:04d}" for i in range(160)]}}},
            }
        },
        deploy_limits.EVENT_PATTERN,
    ),
    "a rule with six targets": (
        {"R": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": str(i)} for i in range(6)]}}},
        deploy_limits.RULE_TARGETS,
    ),
    "a role with eleven managed policies": (
        {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {},
                    "ManagedPolicyArns": [f"arn:aws:iam::aws:policy/P{i}" for i in range(11)],
                },
            },
        },
        deploy_limits.ATTACHED_POLICIES,
    ),
    "a function with fifty invoke permissions": (
        {"F": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "f"}}}
        | {
            f"P{i}": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Fn::GetAtt": ["F", "Arn"]},
                    "Principal": "events.amazonaws.com",
                    "Action": "lambda:InvokeFunction",
                    "SourceArn": f"arn:aws:events:eu-west-1:111111111111:rule/bus/rule-number-{i:03d}-"
                    + "x" * 200,
                },
            }
            for i in range(50)
        },
        deploy_limits.FUNCTION_POLICY,
    ),
}


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_a_template_over_a_limit_is_caught(tmp_path, case):
    resources, limit = PLANTED[case]
    (problem,) = limit_problems([stack(tmp_path, resources)])
    assert problem.startswith("dev-Planted") and limit.what in problem and limit.source in problem


def test_too_many_resources_and_outputs_are_caught(tmp_path):
    resources = {f"T{i}": {"Type": "AWS::SNS::Topic"} for i in range(480)}
    outputs = {f"O{i}": {"Value": "x"} for i in range(195)}
    problems = limit_problems([stack(tmp_path, resources, Outputs=outputs)])
    assert [p.split(": ")[1].split(" is ")[0] for p in problems] == [
        deploy_limits.RESOURCES.what,
        deploy_limits.OUTPUTS.what,
    ]


@pytest.mark.parametrize(
    ("kind", "properties", "limit"),
    [
        ("AWS::IAM::Role", {"AssumeRolePolicyDocument": {}}, deploy_limits.ACCOUNT_ROLES),
        ("AWS::IAM::ManagedPolicy", {"PolicyDocument": {}}, deploy_limits.ACCOUNT_MANAGED_POLICIES),
    ],
)
def test_an_account_over_an_iam_quota_is_caught_across_its_stacks(tmp_path, kind, properties, limit):
    """Each template is small; together they hold more than the account's quota allows."""
    parts = 4  # each part well inside the resources a template may hold
    count = int(limit.maximum * deploy_limits.MARGIN) // parts + 1
    stacks = []
    for i in range(parts):
        path = tmp_path / str(i)
        path.mkdir()
        stacks.append(stack(path, {f"R{j}": {"Type": kind, "Properties": properties} for j in range(count)}))
    (problem,) = limit_problems(stacks)
    assert problem.startswith("account ") and limit.what in problem and f"is {parts * count}" in problem
    assert limit_problems(stacks[:1]) == []  # one of them alone fits: the count is per account
