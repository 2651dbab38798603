"""Acknowledges the IAM wildcard findings (AwsSolutions-IAM5) of a policy we wrote, after checking
that every wildcard is one a reviewer would accept.

cdk-nag reports each wildcard separately and needs each acknowledged by its exact id. Rather than
listing ids by hand, this derives them from the policy itself, but only for wildcards that are
scoped: a name prefix or child path inside a named ARN, a read-only action family, or `*` for
actions IAM cannot scope to a resource. Anything broader raises, so it must be fixed, not waved through.
"""

from __future__ import annotations

import json

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam

from cfn.values import join, renderer
from compliance.iam.statements import as_list

# Actions that IAM does not scope to resources: `Resource: "*"` is the only form they accept.
UNSCOPABLE_ACTIONS = frozenset(
    {
        "sagemaker:List*",
        "sagemaker:ListModelPackages",
        "sagemaker:ListProcessingJobs",
        "sagemaker:ListTrainingJobs",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeDhcpOptions",
        "sagemaker:Search",
        "sagemaker:GetSearchSuggestions",
        "sagemaker:QueryLineage",
        "ecr:GetAuthorizationToken",
        "cloudwatch:PutMetricData",
        "codepipeline:ListPipelines",
    }
)
READ_ONLY_ACTION_FAMILIES = ("List*", "Describe*", "Get*")


class BroadWildcardError(ValueError):
    """A policy grants a wildcard that is not scoped; fix the policy instead of acknowledging it."""


# A resolved CloudFormation value the way cdk-nag names it in a finding.
_flatten = renderer(
    {
        "Fn::Join": join,
        "Ref": lambda name, _: f"<{name}>",
        "Fn::GetAtt": lambda path, _: f"<{'.'.join(path)}>",
    },
    fallback=lambda value: json.dumps(value, separators=(",", ":")),
)


def acknowledge_scoped_wildcards(
    policy: iam.ManagedPolicy | iam.Policy, reason: str, *, vouched_actions: frozenset[str] = frozenset()
) -> None:
    """`vouched_actions`: action wildcards the caller accepts for this policy (e.g. CDK's own grants
    on one bucket and key), beyond the read-only families."""
    document = Stack.of(policy).resolve(policy.document)
    findings: set[str] = set()
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        actions = as_list(statement["Action"])
        for action in actions:
            if "*" in action:
                if action not in UNSCOPABLE_ACTIONS | vouched_actions and not action.endswith(
                    READ_ONLY_ACTION_FAMILIES
                ):
                    raise BroadWildcardError(f"{policy.node.path}: action wildcard {action} is not read-only")
                findings.add(f"Action::{action}")
        for resource in map(_flatten, as_list(statement["Resource"])):
            if "*" not in resource:
                continue
            if resource == "*" and not set(actions) <= UNSCOPABLE_ACTIONS:
                scopable = sorted(set(actions) - UNSCOPABLE_ACTIONS)
                raise BroadWildcardError(
                    f"{policy.node.path}: Resource '*' for {scopable}, which IAM can scope"
                )
            findings.add(f"Resource::{resource}")
    Validations.of(policy).acknowledge(
        *(
            Acknowledgment(id=f"AwsSolutions::AwsSolutions-IAM5[{finding}]", reason=reason)
            for finding in sorted(findings)
        )
    )
