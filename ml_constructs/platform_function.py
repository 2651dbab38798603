"""A Lambda function of the platform: code from a folder beside its construct, Powertools from a layer
vendored from the pinned package (no deploy-time lookup), a managed-policy role, encrypted logs, a
dead-letter queue and bounded concurrency; and EventBridge targets for it that lose no event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.powertools_layer import POWERTOOLS_VERSION, powertools_layer

RUNTIME = lambda_.Runtime.PYTHON_3_13
# EventBridge's documented maximum: retry (with backoff) for a day, then the dead-letter queue. Delivery
# is at least once either way, so a function behind `event_target` must be idempotent (ours are).
EVENT_RETRY_ATTEMPTS = 185
EVENT_MAX_AGE = Duration.hours(24)


class PlatformFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: Path,
        handler: str,
        description: str,
        environment: Mapping[str, str],
        statements: Sequence[iam.PolicyStatement],
        key: kms.IKey,
        wildcard_reason: str,
    ) -> None:
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(
            self, "Logs", encryption_key=key, retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.RETAIN
        )
        dead_letters = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        Validations.of(dead_letters).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue of the function's failed invocations and "
                "of the events EventBridge could not deliver to it.",
            )
        )
        self.dead_letters, self._key = dead_letters, key
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
        policy = iam.ManagedPolicy(
            self,
            "Policy",
            description=description,
            roles=[role],
            statements=[
                *statements,
                iam.PolicyStatement(
                    sid="WriteOwnLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[log_group.log_group_arn],
                ),
                iam.PolicyStatement(
                    sid="DeadLetters", actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]
                ),
                iam.PolicyStatement(
                    sid="EncryptWithThePlatformKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]
                ),
            ],
        )
        acknowledge_scoped_wildcards(policy, wildcard_reason)
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            handler=handler,
            code=lambda_.Code.from_asset(str(code), exclude=["__pycache__"]),  # bytecode differs by machine
            role=role.without_policy_updates(),
            layers=[powertools_layer(self, RUNTIME)],
            environment=dict(environment),
            environment_encryption=key,
            log_group=log_group,
            timeout=Duration.seconds(60),
            memory_size=256,
            dead_letter_queue=dead_letters,
        )
        self.function.node.add_dependency(policy)
        Validations.of(self.function).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-L1",
                reason=f"{RUNTIME.name} is a supported runtime; its Powertools {POWERTOOLS_VERSION} layer is vendored "
                "from the pinned package, and the runtime and the layer are upgraded together, deliberately.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency",
                reason="Reserved concurrency fails the deployment in new accounts (a limit of 10 must stay "
                "unreserved); EventBridge invokes it once per approval or gate decision.",
            ),
            Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC",
                reason="It calls only AWS APIs (SageMaker, CodePipeline, DynamoDB) with IAM authentication over "
                "TLS; the isolated dev VPC has no endpoint for CodePipeline, and it reaches nothing else.",
            )
        )

    def event_target(self) -> targets.LambdaFunction:
        """An EventBridge target for this function: explicit retries, then this function's dead-letter
        queue, so that no event is lost silently. Use one target for all rules of the function.

        CDK adds the queue policy AWS documents for a rule's DLQ (events.amazonaws.com may
        sqs:SendMessage, ArnEquals aws:SourceArn = the rule). The queue is SSE-KMS, so the key policy
        must also let EventBridge use the key; AWS shows kms:Decrypt and kms:GenerateDataKey, scoped
        against a confused deputy by aws:SourceArn or, where that ARN is not the caller's to know,
        aws:SourceAccount, which is what is used here (the rule's ARN would also make the key depend
        on the rule, which depends on the queue and so on the key).
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html#targets-permissions
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
        """
        added = self._key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="EventBridgeDeadLetters",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        ).statement_added
        if not added:
            raise ValueError(
                f"{self.node.path}: the function's key must be a key this app defines, so that its policy can "
                "let EventBridge write dead letters; pass a kms.Key, not an imported key"
            )
        return targets.LambdaFunction(
            self.function,
            dead_letter_queue=self.dead_letters,
            retry_attempts=EVENT_RETRY_ATTEMPTS,
            max_event_age=EVENT_MAX_AGE,
        )
