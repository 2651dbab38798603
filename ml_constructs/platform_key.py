"""The platform's customer-managed KMS keys: rotated yearly, kept when a stack is deleted (whatever
they encrypted may outlive the stack)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct


def platform_key(
    scope: Construct, construct_id: str, *, description: str, alias: str | None = None
) -> kms.Key:
    return kms.Key(
        scope,
        construct_id,
        alias=alias,
        description=description,
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
