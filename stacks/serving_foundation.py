"""What every project's serving stack in a test or prod account shares: a key, an alert topic, and in
prod the bucket for captured requests and monitoring reports."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.event_dead_letters import allow_event_dead_letters
from ml_constructs.feedback_replication import FeedbackFlow, FeedbackReplication
from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.platform_key import platform_key
from ml_constructs.secure_bucket import AccessLogBucket, SecureBucket


class ServingFoundationStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        account_label: str,
        key_alias: str,
        alert_emails: Sequence[str],
        monitoring_buckets: tuple[str, str] | None,
        feedback: FeedbackFlow | None = None,
    ) -> None:
        """`monitoring_buckets`: (monitoring data, its access logs) bucket names, where prod monitors;
        `feedback`: when prod replicates its captures and labels to dev (only with a monitoring bucket)."""
        super().__init__(
            scope,
            construct_id,
            description=f"Key, alerts and monitoring storage for serving ({account_label})",
        )
        self.key = platform_key(
            self,
            "ServingKey",
            alias=key_alias,
            description="Encrypts endpoint volumes, captured requests and monitoring reports",
        )
        self.alerts = NotificationTopic(
            self,
            "Alerts",
            display_name=f"{platform} {account_label} serving alerts",
            emails=alert_emails,
            publishing_services=("cloudwatch.amazonaws.com", "events.amazonaws.com"),
        ).topic
        if monitoring_buckets:
            data, logs = monitoring_buckets
            allow_event_dead_letters(self.key)  # each project's monitoring events keep a dead-letter queue
            access_logs = AccessLogBucket(self, "AccessLogs", bucket_name=logs)
            monitor = SecureBucket(
                self, "ModelMonitor", bucket_name=data, key=self.key, access_logs=access_logs
            )
            if feedback:
                FeedbackReplication(
                    self,
                    "FeedbackToDev",
                    source=monitor.bucket,
                    source_name=data,
                    source_key=self.key,
                    flow=feedback,
                )
