"""Read access to the versions of model package groups (names or name patterns, e.g. `<platform>-*`),
for the platform's functions."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Stack
from aws_cdk import aws_iam as iam


def read_model_packages(stack: Stack, groups: Iterable[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid="ReadModelPackages",
        actions=["sagemaker:DescribeModelPackage"],
        resources=[
            stack.format_arn(service="sagemaker", resource="model-package", resource_name=f"{group}/*")
            for group in groups
        ],
    )
