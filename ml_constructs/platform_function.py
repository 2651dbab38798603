"""A Lambda function of the platform: code from a folder beside its construct, Powertools from a layer
vendored from the pinned package (no deploy-time lookup), a managed-policy role, encrypted logs, a
dead-letter queue and bounded concurrency; and EventBridge targets for it that lose no event.

Data that grows with the config (one entry per project) ships as JSON files in the function's code,
not in its environment: Lambda caps the environment at 4 KB, the code at 250 MB."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import Acknowledgment, ArnFormat, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
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
        data: Mapping[str, Any] | None = None,
        role_name: str | None = None,
    ) -> None:
        """`data`: file name -> JSON value, written beside the handler in the deployed code;
        `role_name`: for a role that resource policies name (default: CloudFormation names it)."""
        super().__init__(scope, construct_id)
        self._key = key
        log_group = logs.LogGroup(
            self,
            "Logs",
            encryption_key=key,
            retention=logs.RetentionDays.ONE_YEAR,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self._dead_letter_queue = DeadLetterQueue(
            self,
            "DeadLetters",
            key=key,
            holds="the function's failed invocations and of the events EventBridge could not deliver to it",
        )
        self.dead_letters = self._dead_letter_queue.queue
        role, policy = self._role(description, statements, log_group, wildcard_reason, role_name)
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            handler=handler,
            code=lambda_.Code.from_asset(str(self._with_data(code, data)), exclude=["__pycache__"]),
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

    def _with_data(self, code: Path, data: Mapping[str, Any] | None) -> Path:
        """`code` itself, or a copy of it with the data files, staged in the app's output folder (the
        asset's hash is of its content, so the copy's place does not matter)."""
        if not data:
            return code
        staged = Path(self.node.root.outdir) / "function-code" / self.node.addr
        if staged.exists():
            shutil.rmtree(staged)
        shutil.copytree(
            code, staged, ignore=shutil.ignore_patterns("__pycache__")
        )  # bytecode differs by machine
        for name, value in data.items():
            (staged / name).write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return staged

    def _role(
        self,
        description: str,
        statements: Sequence[iam.PolicyStatement],
        log_group: logs.LogGroup,
        wildcard_reason: str,
        role_name: str | None,
    ) -> tuple[iam.Role, iam.ManagedPolicy]:
        """The function's role: what it does (`statements`), its own logs, dead letters and key."""
        role = iam.Role(
            self,
            "Role",
            role_name=role_name,
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=description,
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

    def event_target(
        self, event: events.RuleTargetInput | None = None, *, bus: events.IEventBus | None = None
    ) -> events.IRuleTarget:
        """An EventBridge target for this function (given `event` as its input, or the event itself):
        explicit retries, then this function's dead-letter queue, so that no event is lost silently.

        Use one target for all rules of the function. For a rule per project on one `bus`, name the
        bus: CDK would add an invoke permission and a queue-policy statement per rule (Lambda caps its
        resource policy at 20 KB, SQS at 20 statements), so each is granted once, for every rule of
        the bus, and the target itself grants nothing."""
        allow_event_dead_letters(self._key)
        if bus is None:
            return targets.LambdaFunction(
                self.function,
                event=event,
                dead_letter_queue=self.dead_letters,
                retry_attempts=RETRY_ATTEMPTS,
                max_event_age=MAX_EVENT_AGE,
            )
        self._allow_rules_on(bus)
        return _GrantedTarget(self.function.function_arn, self._dead_letter_queue.for_rules_on(bus), event)

    def _allow_rules_on(self, bus: events.IEventBus) -> None:
        permission = f"RulesOf{bus.node.id}"
        if self.function.permissions_node.try_find_child(permission) is not None:
            return
        stack = Stack.of(self)
        self.function.add_permission(
            permission,
            principal=iam.ServicePrincipal("events.amazonaws.com"),
            source_arn=stack.format_arn(
                service="events",
                resource="rule",
                resource_name=f"{bus.event_bus_name}/*",
                arn_format=ArnFormat.SLASH_RESOURCE_NAME,
            ),
            source_account=stack.account,
        )


@jsii.implements(events.IRuleTarget)
class _GrantedTarget:
    """A Lambda target whose invoke permission and dead-letter access are granted elsewhere, once."""

    def __init__(self, arn: str, dead_letters: sqs.IQueue, event: events.RuleTargetInput | None) -> None:
        self._arn, self._dead_letters, self._event = arn, dead_letters, event

    def bind(self, _rule: events.IRule, _id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(
            arn=self._arn,
            input=self._event,
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=self._dead_letters.queue_arn),
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=RETRY_ATTEMPTS,
                maximum_event_age_in_seconds=int(MAX_EVENT_AGE.to_seconds()),
            ),
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
