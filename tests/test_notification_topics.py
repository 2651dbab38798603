"""Every platform topic admits its publishing services exactly as AWS documents: an unsupported
condition in a topic or key policy drops every notification silently (issue 9, defect 11)."""

from __future__ import annotations

import pytest

from ml_constructs.notification_topic import _topic_conditions
from tests.templates import principal_services

# Each service's documented topic-policy condition keys (see ml_constructs/notification_topic.py).
DOCUMENTED_TOPIC_CONDITION_KEYS = {
    "budgets.amazonaws.com": {"aws:SourceAccount", "aws:SourceArn"},
    "costalerts.amazonaws.com": {"aws:SourceAccount"},
    "cloudwatch.amazonaws.com": {"aws:SourceAccount"},
    "events.amazonaws.com": set(),
}


def _condition_keys(statement: dict) -> set[str]:
    return {key for operator in (statement.get("Condition") or {}).values() for key in operator}


def _topic_keys(template: dict) -> set[str]:
    return {
        r["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SNS::Topic" and "KmsMasterKeyId" in r["Properties"]
    }


def _publisher_statements(synthesized, resource_type: str, document: str):
    """Statements for service principals in topic policies, or in the key policies of topics' keys."""
    for stack in synthesized.values():
        for logical_id, resource in stack.template["Resources"].items():
            if resource["Type"] != resource_type:
                continue
            if resource_type == "AWS::KMS::Key" and logical_id not in _topic_keys(stack.template):
                continue  # a key of another use (logs, queues)
            for statement in resource["Properties"][document]["Statement"]:
                for service in principal_services(statement):
                    yield f"{stack.name}/{logical_id}", service, statement


def test_topic_policies_use_only_each_services_documented_conditions(synthesized):
    seen = set()
    for where, service, statement in _publisher_statements(
        synthesized, "AWS::SNS::TopicPolicy", "PolicyDocument"
    ):
        assert service in DOCUMENTED_TOPIC_CONDITION_KEYS, (
            f"{where}: {service} has no documented topic policy"
        )
        assert _condition_keys(statement) == DOCUMENTED_TOPIC_CONDITION_KEYS[service], where
        seen.add(service)
    assert seen == set(DOCUMENTED_TOPIC_CONDITION_KEYS)  # billing, serving alerts and drift topics


def test_topic_keys_admit_publishing_services_without_conditions(synthesized):
    seen = set()
    for where, service, statement in _publisher_statements(synthesized, "AWS::KMS::Key", "KeyPolicy"):
        assert "Condition" not in statement, where
        assert statement["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"], where
        seen.add(service)
    assert seen == set(DOCUMENTED_TOPIC_CONDITION_KEYS)


def test_a_service_without_documented_conditions_is_refused():
    """The negative control: a publisher nobody looked up cannot be added silently."""
    with pytest.raises(ValueError, match=r"no documented SNS topic policy for sqs\.amazonaws\.com"):
        _topic_conditions("sqs.amazonaws.com", stack=None)
