"""An SNS topic that people subscribe to by email and AWS services publish to, encrypted with a CMK."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ml_constructs.platform_key import platform_key


def _topic_conditions(service: str, stack: Stack) -> dict | None:
    """The conditions each service documents for its statement in an SNS topic policy.

    A condition a service does not support makes every delivery fail without an error anywhere, so
    only documented ones are used:
    - Budgets: aws:SourceAccount and aws:SourceArn
      (docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html)
    - Cost Anomaly Detection: aws:SourceAccount (docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html)
    - CloudWatch alarms: aws:SourceAccount
      (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html)
    - EventBridge: none; "You can't use Condition blocks in Amazon SNS topic policies for EventBridge"
      (docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
    """
    if service not in _DOCUMENTED_CONDITIONS:
        raise ValueError(
            f"no documented SNS topic policy for {service}; fix: add its documented conditions here"
        )
    return _DOCUMENTED_CONDITIONS[service](stack.account, stack.partition)


_DOCUMENTED_CONDITIONS = {
    "budgets.amazonaws.com": lambda account, partition: {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": f"arn:{partition}:budgets::{account}:*"},
    },
    "costalerts.amazonaws.com": lambda account, partition: {"StringEquals": {"aws:SourceAccount": account}},
    "cloudwatch.amazonaws.com": lambda account, partition: {"StringEquals": {"aws:SourceAccount": account}},
    "events.amazonaws.com": lambda account, partition: None,
}


class NotificationTopic(Construct):
    """Alerts for people: email subscribers, publishing services allowed by name, TLS only.

    SNS's AWS-managed key cannot be used by service principals such as Budgets, so the topic has a
    customer-managed key of its own that grants exactly those services the right to encrypt. The key
    statements carry no source conditions: AWS documents them without any for Budgets, Cost Anomaly
    Detection and CloudWatch, and states that aws:SourceAccount and aws:SourceArn are not supported
    in the key policy for EventBridge (docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
    The key serves this topic alone, and the topic policy says who may publish.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        display_name: str,
        emails: Sequence[str],
        publishing_services: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = platform_key(self, "Key", description=f"Encrypts the {display_name} topic")
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name=display_name,
            master_key=self.key,
            enforce_ssl=True,
        )
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        stack = Stack.of(self)
        for service in publishing_services:
            # Not `topic.grant_publish`: it would copy the topic conditions into the key policy.
            self.topic.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[iam.ServicePrincipal(service)],
                    actions=["sns:Publish"],
                    resources=[self.topic.topic_arn],
                    conditions=_topic_conditions(service, stack),
                )
            )
            self.key.grant(iam.ServicePrincipal(service), "kms:GenerateDataKey*", "kms:Decrypt")
