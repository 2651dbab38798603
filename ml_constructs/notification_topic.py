"""An SNS topic that people subscribe to by email and AWS services publish to, encrypted with a CMK."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ml_constructs.platform_key import platform_key


class NotificationTopic(Construct):
    """Alerts for people: email subscribers, publishing services allowed by name, TLS only.

    SNS's AWS-managed key cannot be used by service principals such as Budgets, so the topic has a
    customer-managed key that grants exactly those services the right to encrypt.
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
        # Only on this account's behalf: the services may not be used as confused deputies.
        this_account = {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
        for service in publishing_services:
            principal = iam.ServicePrincipal(service).with_conditions(this_account)
            self.topic.grant_publish(principal)
            self.key.grant(principal, "kms:GenerateDataKey*", "kms:Decrypt")
