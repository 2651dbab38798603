"""A Lambda function of the platform: code from a folder beside its construct, Powertools from a layer
vendored from the pinned package (no deploy-time lookup), a managed-policy role, encrypted logs, a
dead-letter queue and bounded concurrency; and EventBridge targets for it that lose no event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.event_dead_letters import (
    MAX_EVENT_AGE,
    RETRY_ATTEMPTS,
    DeadLetterQueue,
    allow_event_dead_letters,
)
from ml_constructs.powertools_layer import POWERTOOLS_VERSION, powertools_layer

RUNTIME = lambda_.Runtime.PYTHON_3_13


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
        self._key = key
        log_group = logs.LogGroup(
            self,
            "Logs",
            encryption_key=key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.dead_letters = DeadLetterQueue(
            self,
            "DeadLetters",
            key=key,
            holds="the function's failed invocations and of the events EventBridge could not deliver to it",
        ).queue
        role, policy = self._role(description, statements, log_group, wildcard_reason)
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
            dead_letter_queue=self.dead_letters,
        )
        self.function.node.add_dependency(policy)
        _acknowledge(self.function)

    def _role(
        self,
        description: str,
        statements: Sequence[iam.PolicyStatement],
        log_group: logs.LogGroup,
        wildcard_reason: str,
    ) -> tuple[iam.Role, iam.ManagedPolicy]:
        """The function's role: what it does (`statements`), its own logs, dead letters and key."""
        role = iam.Role(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description
        )
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
                    sid="DeadLetters", actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]
                ),
                iam.PolicyStatement(
                    sid="EncryptWithThePlatformKey",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[self._key.key_arn],
                ),
            ],
        )
        acknowledge_scoped_wildcards(policy, wildcard_reason)
        return role, policy

    def event_target(self, event: events.RuleTargetInput | None = None) -> targets.LambdaFunction:
        """An EventBridge target for this function (given `event` as its input, or the event itself):
        explicit retries, then this function's dead-letter queue, so that no event is lost silently.
        Use one target for all rules of the function."""
        allow_event_dead_letters(self._key)
        return targets.LambdaFunction(
            self.function,
            event=event,
            dead_letter_queue=self.dead_letters,
            retry_attempts=RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )


def _acknowledge(function: lambda_.Function) -> None:
    Validations.of(function).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-L1",
            reason=f"{RUNTIME.name} is a supported runtime; its Powertools {POWERTOOLS_VERSION} layer is vendored "
            "from the pinned package, and the runtime and the layer are upgraded together, deliberately.",
        ),
        Acknowledgment(
            id="NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency",
            reason="Reserved concurrency fails the deployment in new accounts (a limit of 10 must stay "
            "unreserved); EventBridge invokes it once per event of a rule.",
        ),
        Acknowledgment(
            id="NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC",
            reason="It calls only AWS APIs (SageMaker, CodePipeline, DynamoDB) with IAM authentication over "
            "TLS and reaches no resource inside a VPC; in the isolated dev VPC it would need an endpoint "
            "for each of them, for no gain.",
        ),
    )
