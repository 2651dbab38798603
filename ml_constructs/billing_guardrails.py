"""Billing guardrails for one account: budgets, an anomaly monitor and an estimated-charges alarm,
all to one encrypted topic people subscribe to. Billing metrics exist only in us-east-1, so the
construct belongs in a stack there."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_ce as ce
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from constructs import Construct

from ml_constructs.notification_topic import NotificationTopic

PUBLISHERS = ("budgets.amazonaws.com", "costalerts.amazonaws.com", "cloudwatch.amazonaws.com")


@dataclass(frozen=True)
class SpendLimits:
    monthly_usd: float
    daily_usd: float
    actual_alert_percents: tuple[float, ...]  # of the monthly limit, actual spend
    forecast_alert_percent: float  # of the monthly limit, forecast spend
    anomaly_alert_usd: float  # total impact of an anomaly


@dataclass(frozen=True)
class GuardrailProps:
    name: str  # prefixes the budgets and monitors
    account_label: str  # dev, test or prod
    limits: SpendLimits
    emails: Sequence[str]
    cost_tag: tuple[str, str]  # (key, value) the anomaly monitor watches


class BillingGuardrails(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, props: GuardrailProps) -> None:
        super().__init__(scope, construct_id)
        name, account_label, limits, emails = props.name, props.account_label, props.limits, props.emails
        self.alerts = NotificationTopic(
            self,
            "BillingAlerts",
            display_name=f"{name} billing alerts",
            emails=emails,
            publishing_services=PUBLISHERS,
        )
        self._budgets(name, limits)
        self._anomaly_alerts(name, limits.anomaly_alert_usd, props.cost_tag)
        alarm = cloudwatch.Alarm(
            self,
            "EstimatedChargesAlarm",
            alarm_description=f"Estimated charges this month passed the {account_label} account's monthly budget",
            metric=cloudwatch.Metric(
                namespace="AWS/Billing",
                metric_name="EstimatedCharges",
                dimensions_map={"Currency": "USD"},
                statistic="Maximum",
                period=Duration.hours(6),
            ),
            threshold=limits.monthly_usd,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.alerts.topic))

    def _notification(
        self, kind: str, percent: float
    ) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
        return budgets.CfnBudget.NotificationWithSubscribersProperty(
            notification=budgets.CfnBudget.NotificationProperty(
                notification_type=kind,
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
            ),
            subscribers=[
                budgets.CfnBudget.SubscriberProperty(
                    subscription_type="SNS", address=self.alerts.topic.topic_arn
                )
            ],
        )

    def _budgets(self, name: str, limits: SpendLimits) -> None:
        """A monthly budget (actual and forecast spend) and a daily one (actual spend)."""
        for construct_id, unit, amount, notifications in (
            (
                "MonthlyBudget",
                "MONTHLY",
                limits.monthly_usd,
                [
                    *(self._notification("ACTUAL", percent) for percent in limits.actual_alert_percents),
                    self._notification("FORECASTED", limits.forecast_alert_percent),
                ],
            ),
            ("DailySpendAlert", "DAILY", limits.daily_usd, [self._notification("ACTUAL", 100)]),
        ):
            budgets.CfnBudget(
                self,
                construct_id,
                budget=budgets.CfnBudget.BudgetDataProperty(
                    budget_name=f"{name}-{unit.lower()}",
                    budget_type="COST",
                    time_unit=unit,
                    budget_limit=budgets.CfnBudget.SpendProperty(amount=amount, unit="USD"),
                ),
                notifications_with_subscribers=notifications,
            )

    def _anomaly_alerts(self, name: str, threshold_usd: float, cost_tag: tuple[str, str]) -> None:
        """A custom monitor over the platform's cost-allocation tag: AWS allows one service-wide
        monitor per account and often creates it already, while tag monitors never collide."""
        key, value = cost_tag
        monitor = ce.CfnAnomalyMonitor(
            self,
            "SpendAnomalyMonitor",
            monitor_name=f"{name}-spend",
            monitor_type="CUSTOM",
            monitor_specification=json.dumps(
                {"Tags": {"Key": key, "Values": [value], "MatchOptions": ["EQUALS"]}}
            ),
        )
        ce.CfnAnomalySubscription(
            self,
            "SpendAnomalyAlerts",
            subscription_name=f"{name}-spend-anomalies",
            frequency="IMMEDIATE",  # the only frequency SNS subscribers accept
            monitor_arn_list=[monitor.attr_monitor_arn],
            subscribers=[
                ce.CfnAnomalySubscription.SubscriberProperty(type="SNS", address=self.alerts.topic.topic_arn)
            ],
            threshold_expression=json.dumps(
                {
                    "Dimensions": {
                        "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                        "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
                        "Values": [f"{threshold_usd:g}"],
                    }
                }
            ),
        )
