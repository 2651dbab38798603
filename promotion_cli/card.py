"""`card show|export PROJECT VERSION`: a version's model card, as the registry holds it, for people
and for auditors.

`show` prints the card's status, intended use and risk rating, metrics, the facts of its build (PII
columns dropped, training data, code version, execution) and the recorded decision. `export` writes
the card with its package's identity and the time of export as JSON into the audit-records bucket,
`model-cards/<group>/<version>/<UTC time>.json`, where Object Lock keeps it unchanged. The card is a
model package's own card (`ModelCard` of DescribeModelPackage), which has no name or ARN of its
own: `CreateModelCardExportJob` takes only a standalone model card (`ModelCardName`), so the export
is the card's JSON, not the PDF that job renders.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from operator_cli.aws import Aws
from operator_cli.errors import CliError

CARDS_PREFIX = (
    "model-cards"  # the compliance officer may write only here (ml_constructs/personas/policies.py)
)


def read(aws: Aws, package_arn: str) -> dict[str, Any]:
    """The package and its parsed card; a version without a card is refused."""
    package = aws.client("sagemaker").describe_model_package(ModelPackageName=package_arn)
    card = package.get("ModelCard")
    if not card:
        raise CliError(
            f"{package_arn} has no model card",
            "register versions from the model-build pipeline, which gives each one its card",
        )
    try:
        content = json.loads(card.get("ModelCardContent") or "{}")
    except ValueError:
        content = {"unreadable": card.get("ModelCardContent")}
    return {
        "model_package_arn": package["ModelPackageArn"],
        "model_package_version": package["ModelPackageVersion"],
        "approval_status": package.get("ModelApprovalStatus"),
        "lifecycle_stage": package.get("ModelLifeCycle", {}).get("Stage"),
        "model_card_status": card.get("ModelCardStatus"),
        "model_card": content,
    }


def lines(card: dict[str, Any]) -> list[str]:
    """The card for a terminal: one `name: value` a line."""
    content = card["model_card"]
    uses = content.get("intended_uses", {})
    details = content.get("additional_information", {}).get("custom_details", {})
    metrics = [
        f"{metric.get('name')} {metric.get('value')}"
        for evaluation in content.get("evaluation_details", [])
        for group in evaluation.get("metric_groups", [])
        for metric in group.get("metric_data", [])
    ]
    shown = {
        "model package": card["model_package_arn"],
        "card status": card["model_card_status"],
        "approval": card["approval_status"],
        "lifecycle stage": card["lifecycle_stage"],
        "intended use": uses.get("intended_uses"),
        "risk rating": uses.get("risk_rating"),
        "why": uses.get("explanations_for_risk_rating"),
        "metrics (test split)": ", ".join(metrics) or None,
        **{key.replace("_", " "): value for key, value in details.items()},
    }
    return [f"{name}: {value}" for name, value in shown.items() if value not in (None, "")]


def export(aws: Aws, bucket: str, card: dict[str, Any], group: str) -> str:
    """The card as a locked JSON object in the audit-records bucket; gives its s3:// URI."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = f"{CARDS_PREFIX}/{group}/{card['model_package_version']}/{now}.json"
    document = {**card, "exported_at": now, "exported_by": aws.identity.get("Arn")}
    aws.change(
        "s3",
        "put_object",
        Bucket=bucket,
        Key=key,
        Body=json.dumps(document, indent=2, sort_keys=True, default=str),
        ContentType="application/json",
        ChecksumAlgorithm="SHA256",  # required by the bucket's default Object Lock retention
    )
    return f"s3://{bucket}/{key}"
