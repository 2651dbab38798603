"""PlatformFunction: EventBridge targets that lose nothing (retries, then an encrypted dead-letter queue
EventBridge may write to, and only for its own rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms

from ml_constructs.platform_function import PlatformFunction

PROMOTION = "dev/Promotion"
RUNTIME = Path(__file__).resolve().parents[1] / "ml_constructs" / "promotion_events" / "runtime"


def _resources(template, kind: str) -> dict[str, dict]:
    return template.find_resources(kind)


def _ref(value: dict) -> str:
    """The logical id a `Ref` or `Fn::GetAtt` points to."""
    return value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]


def test_every_rule_target_retries_explicitly_then_dead_letters(template):
    promotion = template(PROMOTION)
    rules = _resources(promotion, "AWS::Events::Rule")
    assert len(rules) == 3  # the trigger's, and the audit trail's two
    for name, rule in rules.items():
        (target,) = rule["Properties"]["Targets"]
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}, name
        assert "DeadLetterConfig" in target, name


def test_the_dead_letter_queues_are_encrypted_with_the_promotion_key_tls_only_and_kept_14_days(template):
    promotion = template(PROMOTION)
    rules = _resources(promotion, "AWS::Events::Rule").values()
    queues = {_ref(rule["Properties"]["Targets"][0]["DeadLetterConfig"]["Arn"]) for rule in rules}
    assert len(queues) == 2  # one per function: the audit trail's two rules share its queue
    all_queues = _resources(promotion, "AWS::SQS::Queue")
    for queue in queues:
        properties = all_queues[queue]["Properties"]
        assert _ref(properties["KmsMasterKeyId"]).startswith("PromotionKey")
        assert properties["MessageRetentionPeriod"] == 14 * 24 * 3600
    policies = _resources(promotion, "AWS::SQS::QueuePolicy").values()
    tls_only = {
        "Effect": "Deny",
        "Action": "sqs:*",
        "Principal": {"AWS": "*"},
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    for queue in queues:
        (policy,) = [p for p in policies if [_ref(q) for q in p["Properties"]["Queues"]] == [queue]]
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(tls_only.items() <= s.items() for s in statements), queue


def test_eventbridge_may_send_to_a_dead_letter_queue_only_for_the_rules_that_use_it(template):
    promotion = template(PROMOTION)
    rules = _resources(promotion, "AWS::Events::Rule")
    allowed: dict[str, set[str]] = {}
    for policy in _resources(promotion, "AWS::SQS::QueuePolicy").values():
        (queue,) = [_ref(q) for q in policy["Properties"]["Queues"]]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] == {"Service": "events.amazonaws.com"}
                assert statement["Action"] == "sqs:SendMessage"
                assert _ref(statement["Resource"]) == queue
                (source,) = statement["Condition"]["ArnEquals"].values()
                allowed.setdefault(queue, set()).add(_ref(source))
    expected: dict[str, set[str]] = {}
    for name, rule in rules.items():
        expected.setdefault(_ref(rule["Properties"]["Targets"][0]["DeadLetterConfig"]["Arn"]), set()).add(name)
    assert allowed == expected


def test_the_promotion_key_lets_eventbridge_encrypt_dead_letters_for_this_account_only(template):
    """Once, though two functions' targets ask for it."""
    (key,) = [
        k for name, k in _resources(template(PROMOTION), "AWS::KMS::Key").items() if name.startswith("PromotionKey")
    ]
    statements = [
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s["Principal"].get("Service") == "events.amazonaws.com"
    ]
    assert statements == [
        {
            "Sid": "EventBridgeDeadLetters",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
        }
    ]


def test_the_functions_send_their_own_failed_invocations_to_the_same_queue(template):
    promotion = template(PROMOTION)
    functions = _resources(promotion, "AWS::Lambda::Function")
    rules = _resources(promotion, "AWS::Events::Rule").values()
    for rule in rules:
        (target,) = rule["Properties"]["Targets"]
        function = functions[_ref(target["Arn"])]["Properties"]
        assert _ref(function["DeadLetterConfig"]["TargetArn"]) == _ref(target["DeadLetterConfig"]["Arn"])


def _function(stack: Stack, key: kms.IKey) -> PlatformFunction:
    return PlatformFunction(
        stack,
        "Function",
        code=RUNTIME,
        handler="audit.handler",
        description="test",
        environment={},
        statements=[],
        key=key,
        wildcard_reason="none",
    )


def test_negative_control_a_target_for_a_function_whose_key_policy_the_app_cannot_extend_fails():
    stack = Stack(App(), "Test", env={"account": "111111111111", "region": "eu-west-1"})
    imported = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    with pytest.raises(ValueError, match="must be a key this app defines"):
        _function(stack, imported).event_target()
