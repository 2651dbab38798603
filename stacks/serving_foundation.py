"""What every project's serving stack in a test or prod account shares: a key, an alert topic, and in
prod the bucket for captured requests and monitoring reports."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.event_dead_letters import allow_event_dead_letters
from ml_constructs.notification_topic import NotificationTopic
from ml_constructs.platform_key import platform_key
from ml_constructs.secure_bucket import AccessLogBucket, SecureBucket
from platform_config import AccountRole, PlatformConfig, naming


class ServingFoundationStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig, role: AccountRole
    ) -> None:
        super().__init__(
            scope, construct_id, description=f"Key, alerts and monitoring storage for serving ({role})"
        )
        platform = config.platform.name
        account_id = getattr(config.accounts, role).account_id
        self.key = platform_key(
            self,
            "ServingKey",
            alias=f"alias/{platform}/serving",
            description="Encrypts endpoint volumes, captured requests and monitoring reports",
        )
        self.alerts = NotificationTopic(
            self,
            "Alerts",
            display_name=f"{platform} {role} serving alerts",
            emails=config.platform.alert_emails,
            publishing_services=("cloudwatch.amazonaws.com", "events.amazonaws.com"),
        )
        self.monitoring_bucket_name: str | None = None
        if role == "prod":
            allow_event_dead_letters(self.key)  # each project's monitoring events keep a dead-letter queue
            access_logs = AccessLogBucket(
                self, "AccessLogs", bucket_name=naming.bucket(platform, "serving-access-logs", account_id)
            )
            self.monitoring_bucket_name = naming.bucket(platform, "model-monitor", account_id)
            SecureBucket(
                self,
                "ModelMonitor",
                bucket_name=self.monitoring_bucket_name,
                key=self.key,
                access_logs=access_logs,
            )
