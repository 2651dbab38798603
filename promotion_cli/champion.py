"""`mlp-promote champion PROJECT`: the version serving in prod, as the dev account knows it.

People in dev never read prod, so the answer comes from what dev records of each promotion: the
audit trail's prod-gate approvals (newest first), each checked against its promotion pipeline
execution in CodePipeline. An approval whose execution Succeeded passed DeployProd and VerifyProd
(prod serves exactly that package), so the newest such is the champion; a newer one still running
is shown as on its way; one whose execution failed or stopped never reached prod (a failed
blue/green update leaves the previous version serving) and is passed over. CodePipeline keeps
execution history for 12 months: an older approval without one is taken as served, and said so.
Resolve finds the champion on the prod endpoint itself (`steps/champion.py`), so the gate never
relies on this reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from operator_cli.aws import Aws
from platform_config import naming
from promotion_cli import metrics, registry

if TYPE_CHECKING:
    import argparse

    from promotion_cli.cli import Target

# CodePipeline's answer for an execution past its history.
FORGOTTEN = "PipelineExecutionNotFoundException"
SERVED, RUNNING = "Succeeded", ("InProgress", "Stopping")


@dataclass(frozen=True)
class Promotion:
    """A prod-gate approval from the audit trail, with what became of its pipeline execution."""

    item: dict[str, Any]
    status: str  # the execution's status, or FORGOTTEN

    @property
    def version(self) -> int:
        return int(self.item["model_package_version"])

    @property
    def when(self) -> str:
        return str(self.item["recorded_at"]).split("#")[0]


def gate_approvals(aws: Aws, table: str, project: str) -> Iterator[dict[str, Any]]:
    """The project's Approved prod-gate items, newest first (the sort key starts with the time)."""
    audit = aws.session.resource("dynamodb", region_name=aws.region).Table(table)
    query: dict[str, Any] = {
        "KeyConditionExpression": Key("project").eq(project),
        "FilterExpression": Attr("kind").eq("promotion-gate") & Attr("decision").eq("Approved"),
        "ScanIndexForward": False,
    }
    while True:
        page = audit.query(**query)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def execution_status(aws: Aws, pipeline: str, execution_id: str) -> str:
    try:
        execution = aws.client("codepipeline").get_pipeline_execution(
            pipelineName=pipeline, pipelineExecutionId=execution_id
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != FORGOTTEN:
            raise
        return FORGOTTEN
    return str(execution["pipelineExecution"]["status"])


def champion(aws: Aws, table: str, project: str, pipeline: str) -> tuple[Promotion | None, list[Promotion]]:
    """The champion (None: nothing reached prod yet), and the newer approvals still on their way."""
    on_the_way: list[Promotion] = []
    for item in gate_approvals(aws, table, project):
        promotion = Promotion(
            item, execution_status(aws, pipeline, str(item.get("pipeline_execution_id", "")))
        )
        if promotion.status in (SERVED, FORGOTTEN):
            return promotion, on_the_way
        if promotion.status in RUNNING:
            on_the_way.append(promotion)
    return None, on_the_way


def show(target: Target, args: argparse.Namespace) -> None:
    """Print the project's champion in prod, its registered metrics and what its gate was shown."""
    name = target.project.name
    table = naming.audit_table(target.config.platform.name)
    found, on_the_way = champion(target.aws, table, name, target.pipeline)
    for promotion in on_the_way:
        print(f"on its way to prod: version {promotion.version}, approved at the gate {promotion.when} UTC")
    if found is None:
        print(f"no version of {name} has reached prod yet: a first promotion has no champion to beat")
        return
    package = registry.get(target.aws, str(found.item["model_package_arn"]))
    bar = target.project.quality_threshold
    history = "; its execution is past CodePipeline's history" if found.status == FORGOTTEN else ""
    print(
        f"champion of {name} in prod: {target.group} version {found.version}, promoted {found.when} UTC, "
        f"gate approved by {str(found.item.get('decided_by', '')).rsplit(':', 1)[-1]}{history}"
    )
    print(
        f"  metrics: {metrics.summary(metrics.read(target.aws, package.metrics_uri), bar.name, bar.minimum)}"
    )
    if found.item.get("champion_comparison"):
        print(f"  at its gate: {found.item['champion_comparison']}")
    print(
        f"  a new version must reach {bar.name} within {target.project.champion_tolerance:g} of it to be promoted"
    )
