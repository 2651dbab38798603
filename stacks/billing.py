"""Billing guardrails for one account: budgets, an anomaly monitor and an estimated-charges alarm."""

from __future__ import annotations

import json

from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_ce as ce
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from constructs import Construct

from ml_constructs.notification_topic import NotificationTopic
from platform_config import Account, AccountRole, PlatformConfig


class BillingStack(Stack):
    """Lives in the billing home region (us-east-1), the only region with billing metrics."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
        role: AccountRole,
        account: Account,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Billing guardrails of the {role} account",
            env=Environment(account=account.account_id, region=config.billing.home_region),
        )
        limits = account.budget
        name = f"{config.platform.name}-{role}"
        alerts = NotificationTopic(
            self,
            "BillingAlerts",
            display_name=f"{name} billing alerts",
            emails=config.billing.notification_emails,
            publishing_services=(
                "budgets.amazonaws.com",
                "costalerts.amazonaws.com",
                "cloudwatch.amazonaws.com",
            ),
        )
        subscriber = budgets.CfnBudget.SubscriberProperty(
            subscription_type="SNS", address=alerts.topic.topic_arn
        )

        def notification(kind: str, percent: float) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind,
                    comparison_operator="GREATER_THAN",
                    threshold=percent,
                    threshold_type="PERCENTAGE",
                ),
                subscribers=[subscriber],
            )

        budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=f"{name}-monthly",
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=limits.monthly_limit_usd, unit="USD"),
            ),
            notifications_with_subscribers=[
                *(notification("ACTUAL", percent) for percent in limits.actual_alert_percents),
                notification("FORECASTED", limits.forecast_alert_percent),
            ],
        )
        budgets.CfnBudget(
            self,
            "DailySpendAlert",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=f"{name}-daily",
                budget_type="COST",
                time_unit="DAILY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=limits.daily_limit_usd, unit="USD"),
            ),
            notifications_with_subscribers=[notification("ACTUAL", 100)],
        )

        # A custom monitor over the platform's cost-allocation tag: AWS allows one service-wide
        # monitor per account and often creates it already, while tag monitors never collide.
        monitor = ce.CfnAnomalyMonitor(
            self,
            "SpendAnomalyMonitor",
            monitor_name=f"{name}-spend",
            monitor_type="CUSTOM",
            monitor_specification=json.dumps(
                {"Tags": {"Key": "project", "Values": [config.platform.name], "MatchOptions": ["EQUALS"]}}
            ),
        )
        ce.CfnAnomalySubscription(
            self,
            "SpendAnomalyAlerts",
            subscription_name=f"{name}-spend-anomalies",
            frequency="IMMEDIATE",  # the only frequency SNS subscribers accept
            monitor_arn_list=[monitor.attr_monitor_arn],
            subscribers=[
                ce.CfnAnomalySubscription.SubscriberProperty(type="SNS", address=alerts.topic.topic_arn)
            ],
            threshold_expression=json.dumps(
                {
                    "Dimensions": {
                        "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                        "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                        "Values": [f"{limits.anomaly_alert_usd:g}"],
                    }
                }
            ),
        )

        charges = cloudwatch.Metric(
            namespace="AWS/Billing",
            metric_name="EstimatedCharges",
            dimensions_map={"Currency": "USD"},
            statistic="Maximum",
            period=Duration.hours(6),
        )
        alarm = cloudwatch.Alarm(
            self,
            "EstimatedChargesAlarm",
            alarm_description=f"Estimated charges this month passed the {role} account's monthly budget",
            metric=charges,
            threshold=limits.monthly_limit_usd,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts.topic))
