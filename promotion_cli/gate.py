"""The manual approval before prod: find what the promotion pipeline waits for, and answer it.

CodePipeline hands out the approval token only through GetPipelineState, and only while the action
is in progress; PutApprovalResult needs it. The model package being promoted comes from the waiting
execution's `ModelPackageArn` variable, so the officer sees what they are letting into prod.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from operator_cli.aws import Aws
from operator_cli.errors import CliError

GATE = "ApproveForProd"  # both the stage and its manual approval action
# What a dry run, which reads nothing, shows for the token only GetPipelineState hands out.
UNREAD_TOKEN = "<the waiting approval's token, which GetPipelineState gives a real run>"


@dataclass(frozen=True)
class WaitingApproval:
    pipeline: str
    token: str
    execution_id: str
    model_package_arn: str


def waiting(aws: Aws, pipeline: str) -> WaitingApproval:
    """The approval the pipeline waits for at the gate, or a one-line refusal if there is none."""
    codepipeline = aws.client("codepipeline")
    stages = codepipeline.get_pipeline_state(name=pipeline).get("stageStates", [])
    stage: dict[str, Any] = next((s for s in stages if s.get("stageName") == GATE), {})
    action: dict[str, Any] = next(
        (a for a in stage.get("actionStates", []) if a.get("actionName") == GATE), {}
    )
    latest: dict[str, Any] = action.get("latestExecution", {})
    if latest.get("status") != "InProgress" or not latest.get("token"):
        raise CliError(
            f"no approval is waiting at {GATE} in pipeline {pipeline}",
            "wait until a promotion has passed its acceptance test (`history` shows recent decisions)",
        )
    execution_id = stage.get("latestExecution", {}).get("pipelineExecutionId", "")
    execution = codepipeline.get_pipeline_execution(pipelineName=pipeline, pipelineExecutionId=execution_id)
    variables = execution["pipelineExecution"].get("variables", [])
    arn = next((v.get("resolvedValue", "") for v in variables if v.get("name") == "ModelPackageArn"), "")
    return WaitingApproval(pipeline, latest["token"], execution_id, arn or "an unknown model package")


def answer(aws: Aws, pipeline: str, token: str, status: str, comment: str) -> None:
    """Approve or reject the waiting promotion, with the officer's comment as the approval summary."""
    aws.change(
        "codepipeline",
        "put_approval_result",
        pipelineName=pipeline,
        stageName=GATE,
        actionName=GATE,
        result={"summary": comment, "status": status},
        token=token,
    )
