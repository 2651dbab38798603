"""Billing guardrails: every account gets budgets, a daily alert, anomaly detection and a charges alarm."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from tests.templates import principal_services

ROLES = ("dev", "test", "prod")


@pytest.mark.parametrize("role", ROLES)
def test_billing_lives_in_us_east_1_of_its_account(role, synthesized, example_config):
    stack = synthesized[f"{role}/Billing"]
    assert stack.region == "us-east-1"  # the only region with AWS/Billing metrics
    assert stack.account == getattr(example_config.accounts, role).account_id


@pytest.mark.parametrize("role", ROLES)
def test_monthly_budget_alerts_on_actual_and_forecast_spend(role, template, example_config):
    limit = getattr(example_config.accounts, role).budget.monthly_limit_usd

    def alert(kind: str, percent: int) -> dict:
        return {
            "Notification": {
                "NotificationType": kind,
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": percent,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": [
                {
                    "SubscriptionType": "SNS",
                    "Address": {"Ref": Match.string_like_regexp("BillingAlertsTopic")},
                }
            ],
        }

    template(f"{role}/Billing").has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetName": f"mlplatform-{role}-monthly",
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": limit, "Unit": "USD"},
            },
            "NotificationsWithSubscribers": [
                alert("ACTUAL", 80),
                alert("ACTUAL", 100),
                alert("FORECASTED", 100),
            ],
        },
    )


@pytest.mark.parametrize("role", ROLES)
def test_daily_spend_alert_fires_when_the_day_passes_its_limit(role, template, example_config):
    limit = getattr(example_config.accounts, role).budget.daily_limit_usd
    template(f"{role}/Billing").has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": Match.object_like(
                {"TimeUnit": "DAILY", "BudgetLimit": {"Amount": limit, "Unit": "USD"}}
            ),
            "NotificationsWithSubscribers": [
                Match.object_like(
                    {"Notification": Match.object_like({"NotificationType": "ACTUAL", "Threshold": 100})}
                )
            ],
        },
    )


def test_example_dev_daily_alert_is_the_seeds_200_dollars(template):
    template("dev/Billing").has_resource_properties(
        "AWS::Budgets::Budget",
        {"Budget": Match.object_like({"TimeUnit": "DAILY", "BudgetLimit": {"Amount": 200, "Unit": "USD"}})},
    )


@pytest.mark.parametrize("role", ROLES)
def test_estimated_charges_alarm_notifies_the_topic(role, template, example_config):
    template(f"{role}/Billing").has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Billing",
            "MetricName": "EstimatedCharges",
            "Dimensions": [{"Name": "Currency", "Value": "USD"}],
            "Threshold": getattr(example_config.accounts, role).budget.monthly_limit_usd,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": [{"Ref": Match.string_like_regexp("BillingAlertsTopic")}],
        },
    )


@pytest.mark.parametrize("role", ROLES)
def test_cost_anomalies_over_the_threshold_reach_the_topic_at_once(role, template):
    billing = template(f"{role}/Billing")
    billing.has_resource_properties(
        "AWS::CE::AnomalyMonitor",
        {"MonitorType": "CUSTOM", "MonitorSpecification": Match.string_like_regexp('"Key": "project"')},
    )
    billing.has_resource_properties(
        "AWS::CE::AnomalySubscription",
        {
            "Frequency": "IMMEDIATE",
            "Subscribers": [
                {"Type": "SNS", "Address": {"Ref": Match.string_like_regexp("BillingAlertsTopic")}}
            ],
            "ThresholdExpression": Match.string_like_regexp('"Values": \\["50"\\]'),
        },
    )


@pytest.mark.parametrize("role", ROLES)
def test_alert_topic_is_encrypted_with_a_rotating_key_and_emails_the_team(role, template):
    billing = template(f"{role}/Billing")
    billing.has_resource_properties(
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("BillingAlertsKey"), "Arn"]}},
    )
    billing.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    billing.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ml-platform-team@example.com"}
    )


def _statements(stack, resource_type: str, document: str) -> list[dict]:
    return [
        statement
        for resource in stack.template["Resources"].values()
        if resource["Type"] == resource_type
        for statement in resource["Properties"][document]["Statement"]
    ]


BILLING_PUBLISHERS = {"budgets.amazonaws.com", "costalerts.amazonaws.com", "cloudwatch.amazonaws.com"}


@pytest.mark.parametrize("role", ROLES)
def test_billing_services_may_publish_only_for_this_account(role, synthesized):
    """The topic policy carries each service's documented confused-deputy conditions."""
    stack = synthesized[f"{role}/Billing"]
    this_account = {"aws:SourceAccount": stack.account}
    publishers = {
        service: statement.get("Condition")
        for statement in _statements(stack, "AWS::SNS::TopicPolicy", "PolicyDocument")
        if statement["Effect"] == "Allow" and statement["Action"] == "sns:Publish"
        for service in principal_services(statement)
    }
    assert publishers == {
        "budgets.amazonaws.com": {
            "StringEquals": this_account,
            "ArnLike": {"aws:SourceArn": f"arn:aws:budgets::{stack.account}:*"},
        },
        "costalerts.amazonaws.com": {"StringEquals": this_account},
        "cloudwatch.amazonaws.com": {"StringEquals": this_account},
    }


@pytest.mark.parametrize("role", ROLES)
def test_billing_services_may_use_the_topic_key_as_documented(role, synthesized):
    """AWS documents these key statements without conditions; an unsupported one would make every
    delivery fail silently. The key serves this topic only; the topic policy says who publishes."""
    stack = synthesized[f"{role}/Billing"]
    services = [s for s in _statements(stack, "AWS::KMS::Key", "KeyPolicy") if principal_services(s)]
    assert sorted(service for s in services for service in principal_services(s)) == sorted(
        BILLING_PUBLISHERS
    )
    assert all(
        s["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"] and "Condition" not in s for s in services
    )


@pytest.mark.parametrize("role", ROLES)
def test_alert_topic_refuses_plain_http(role, synthesized):
    assert {
        "Action": "sns:Publish",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": "*",
    }.items() <= next(
        s
        for s in _statements(synthesized[f"{role}/Billing"], "AWS::SNS::TopicPolicy", "PolicyDocument")
        if s["Effect"] == "Deny"
    ).items()
