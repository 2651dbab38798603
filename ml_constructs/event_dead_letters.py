"""Where EventBridge puts what it could not deliver: a dead-letter queue, and retries before it.

An event a rule cannot deliver (the target throttles, is missing or refuses) is otherwise dropped
after EventBridge's retries, with no trace but a metric. Every rule target of the platform has a
retry policy and a dead-letter queue: SSE-KMS with a key of the platform, TLS only, kept 14 days.

CDK adds the queue policy AWS documents for a rule's DLQ (events.amazonaws.com may sqs:SendMessage,
ArnEquals aws:SourceArn = the rule), one statement per rule; an SQS policy holds at most 20
statements and 8,192 bytes, so the queue of a rule per project (`for_rules_on`) has one statement
for every rule of its event bus instead. The key policy must also let EventBridge use the key: AWS shows
kms:Decrypt and kms:GenerateDataKey, scoped by aws:SourceAccount here (the rule's ARN would make the
key depend on the rule, which depends on the queue and so on the key).
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, ArnFormat, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# EventBridge's documented maximum: retry (with backoff) for a day, then the dead-letter queue. Delivery
# is at least once either way, so whatever a rule targets must take an event twice (ours do).
RETRY_ATTEMPTS = 185
MAX_EVENT_AGE = Duration.hours(24)


def allow_event_dead_letters(key: kms.IKey) -> None:
    """Let EventBridge encrypt dead letters with `key`, on this account's behalf only."""
    added = key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="EventBridgeDeadLetters",
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(key).account}},
        )
    ).statement_added
    if not added:
        raise ValueError(
            f"{key.node.path}: dead letters need a key this app defines, so that its policy can let "
            "EventBridge write them; pass a kms.Key, not an imported key"
        )


class DeadLetterQueue(Construct):
    """A dead-letter queue (of rule targets, and of a function's failed invocations)."""

    def __init__(self, scope: Construct, construct_id: str, *, key: kms.IKey, holds: str) -> None:
        """`holds`: what ends up here, for the acknowledgment that a DLQ needs no DLQ of its own."""
        super().__init__(scope, construct_id)
        self._for_buses: dict[str, sqs.IQueue] = {}
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        Validations.of(self.queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason=f"This queue is itself the dead-letter queue of {holds}.",
            )
        )

    def for_rules_on(self, bus: events.IEventBus) -> sqs.IQueue:
        """The queue, for the targets of every rule on `bus`: one policy statement for them all
        (ArnLike the bus's rules), and a handle through which CDK adds none per rule."""
        if bus.node.addr in self._for_buses:
            return self._for_buses[bus.node.addr]
        stack = Stack.of(self)
        rules = stack.format_arn(
            service="events",
            resource="rule",
            resource_name=f"{bus.event_bus_name}/*",
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="RulesOfTheBus",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                conditions={"ArnLike": {"aws:SourceArn": rules}},
            )
        )
        # An imported handle of the same queue: adding to its policy is a no-op.
        handle = self._for_buses[bus.node.addr] = sqs.Queue.from_queue_attributes(
            self,
            f"ForRulesOf{bus.node.id}",
            queue_arn=self.queue.queue_arn,
            queue_url=self.queue.queue_url,
            key_arn=self.queue.encryption_master_key.key_arn if self.queue.encryption_master_key else None,
        )
        return handle
