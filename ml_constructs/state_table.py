"""A small DynamoDB table of a function's own state (idempotency records, retraining windows):
encrypted with the function's key, point-in-time recovery on, destroyed with its stack (it holds
nothing that outlives the function's work)."""

from __future__ import annotations

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct


def state_table(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    partition_key: str,
    holds: str,
    ttl: str | None = None,
) -> dynamodb.TableV2:
    """`holds`: what the table keeps, for the backup-plan acknowledgment; `ttl`: the expiry attribute."""
    table = dynamodb.TableV2(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
        time_to_live_attribute=ttl,
        encryption=dynamodb.TableEncryptionV2.customer_managed_key(key),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        removal_policy=RemovalPolicy.DESTROY,
    )
    Validations.of(table).acknowledge(
        Acknowledgment(
            id="NIST.800.53.R5::NIST.800.53.R5-DynamoDBInBackupPlan",
            reason=f"Holds only {holds}; point-in-time recovery covers it.",
        )
    )
    return table
