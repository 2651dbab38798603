"""The EventBridge patterns of the promotion functions: registry decisions and prod-gate answers.

SageMaker emits "Model Package State Change" also when only metadata of a version changes; its
`UpdatedModelPackageFields` then lacks "ModelApprovalStatus". A pattern value matches an array in
the event when the two share an element, so requiring "ModelApprovalStatus" there keeps metadata-only
updates out. The handlers check the same again (`runtime/registry_events.py`). Groups and pipelines match by the
platform's name prefix, so a pattern stays the same size at any number of projects (EventBridge
caps a pattern at 2,048 characters); the handlers know the projects and skip any other name.
https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_events as events

GATE_ACTION = "ApproveForProd"  # the name of both the stage and its manual approval action


def registry_decisions(prefix: str, statuses: Sequence[str]) -> events.EventPattern:
    """Changes of a version's approval status to one of `statuses`, in groups named `prefix...`."""
    return events.EventPattern(
        source=["aws.sagemaker"],
        detail_type=["SageMaker Model Package State Change"],
        detail={
            "ModelPackageGroupName": events.Match.prefix(prefix),
            "ModelApprovalStatus": list(statuses),
            "UpdatedModelPackageFields": ["ModelApprovalStatus"],
        },
    )


def stage_changes(prefix: str) -> events.EventPattern:
    """Changes of a version's lifecycle stage, in groups named `prefix...` (the stage history)."""
    return events.EventPattern(
        source=["aws.sagemaker"],
        detail_type=["SageMaker Model Package State Change"],
        detail={
            "ModelPackageGroupName": events.Match.prefix(prefix),
            "UpdatedModelPackageFields": ["ModelLifeCycle"],
        },
    )


def gate_answers(prefix: str) -> events.EventPattern:
    """Approvals and rejections at the manual gate before prod of the pipelines named `prefix...`."""
    return events.EventPattern(
        source=["aws.codepipeline"],
        detail_type=["CodePipeline Action Execution State Change"],
        detail={
            "pipeline": events.Match.prefix(prefix),
            "stage": [GATE_ACTION],
            "action": [GATE_ACTION],
            "state": ["SUCCEEDED", "FAILED"],
            "type": {"category": ["Approval"], "provider": ["Manual"]},
        },
    )
