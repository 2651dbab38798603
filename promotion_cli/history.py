"""Reads a project's decisions (and the stage history kept beside them) from the audit table that the
audit-trail Lambda writes, newest first."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from operator_cli.aws import Aws


def decisions(aws: Aws, table: str, project: str, limit: int | None) -> list[dict[str, Any]]:
    """The project's latest `limit` items (None: all): the sort key starts with the time, so
    descending is newest."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {"KeyConditionExpression": Key("project").eq(project), "ScanIndexForward": False}
    audit = aws.session.resource("dynamodb", region_name=aws.region).Table(table)
    while limit is None or len(items) < limit:
        page = audit.query(**query, **({} if limit is None else {"Limit": limit - len(items)}))
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return items
