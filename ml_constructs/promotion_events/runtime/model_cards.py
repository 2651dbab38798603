"""A registry decision written into the version's model card: who, when, why, and the card's status.

The card travels with the model package (`ModelCard` of DescribeModelPackage; content in the model
package model card schema), registered PendingReview by the model-build pipeline. A decision adds
`decision`, `decided_by`, `decided_at` and `decision_comment` to
`additional_information.custom_details` (string values, as the schema has them) and moves the
status: Approved -> Approved; Rejected -> Draft, back to a work in progress rather than Archived,
which would freeze the card so that a reconsidered approval could not be recorded. The console and
`mlp-promote approve|reject` both end in the same registry event, so both are written here.
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelPackageModelCard.html
"""

from __future__ import annotations

import json
from typing import Any

CARD_STATUS = {"Approved": "Approved", "Rejected": "Draft"}
FROZEN = "Archived"  # SageMaker refuses any change to an archived card


def with_decision(card: dict[str, Any], decision: dict[str, str]) -> dict[str, str] | None:
    """The card (ModelCard of the package) recording `decision` (decision, decided_by, decided_at,
    decision_comment), or None when it records it already or cannot change."""
    if card.get("ModelCardStatus") == FROZEN:
        return None
    try:
        content = json.loads(card.get("ModelCardContent") or "{}")
    except ValueError:
        content = {}
    if not isinstance(content, dict):
        content = {}
    information = content.setdefault("additional_information", {})
    details = information.setdefault("custom_details", {})
    status = CARD_STATUS[decision["decision"]]
    if card.get("ModelCardStatus") == status and all(details.get(k) == v for k, v in decision.items()):
        return None  # a redelivery: written already
    details.update(decision)
    return {"ModelCardContent": json.dumps(content, sort_keys=True), "ModelCardStatus": status}
