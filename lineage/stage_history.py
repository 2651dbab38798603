"""The stage history of the model package a chain reached: each lifecycle stage the promotion set on
it, oldest first, from the audit table where the audit recorder keeps them (kind `lifecycle-stage`,
beside the decisions; `ml_constructs/promotion_events/runtime/audit.py`). The registry itself holds
only the current stage."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from lineage.link import Failed, Link, attempt

KIND = "lifecycle-stage"


def entries(table: Any, project: str, package_arn: str) -> list[str]:
    """`<UTC time> <Stage/Status> by <who> (<description>)`, oldest first."""
    query: dict[str, Any] = {
        "KeyConditionExpression": Key("project").eq(project),
        "FilterExpression": Attr("kind").eq(KIND) & Attr("model_package_arn").eq(package_arn),
    }
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**query)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return [
        f"{item['recorded_at'].split('#')[0]} {item.get('stage')} by {item.get('decided_by', 'unknown')}"
        + (f" ({item['comment']})" if item.get("comment") else "")
        for item in items
    ]


def with_history(links: Sequence[Link], table: Any, projects: dict[str, str]) -> list[Link]:
    """The chain, its model-package link carrying `stage_history` (or why it could not be read);
    `projects`: model package group -> project."""
    result = list(links)
    for index, link in enumerate(result):
        if link.kind != "model-package" or link.unknown or not link.id:
            continue
        project = projects.get(link.id.rsplit("/", 2)[-2])
        if project is None:
            continue
        found = attempt(functools.partial(entries, table, project, link.id))
        key, value = (
            ("stage_history_unknown", found.reason) if isinstance(found, Failed) else ("stage_history", found)
        )
        if value:
            result[index] = dataclasses.replace(link, facts={**link.facts, key: value})
    return result
