"""Which endpoint a Model Monitor schedule watches, however the schedule names it."""

from __future__ import annotations

from typing import Any

from compliance.sagemaker_rules.template import Resource, refers_to

ENDPOINT = "AWS::SageMaker::Endpoint"
SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
# A job definition's input, by type: each holds an `EndpointInput` like the schedule's own.
JOB_INPUTS = {
    f"AWS::SageMaker::{kind}JobDefinition": f"{kind}JobInput"
    for kind in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
}


def _endpoint_input(job_input: Any) -> Any:
    return ((job_input or {}).get("EndpointInput") or {}).get("EndpointName")


def _named_by_arn(value: Any) -> Any:
    """`{"Fn::Select": [1, {"Fn::Split": ["/", X]}]}`, a resource's name taken from its ARN X, as X."""
    select = value.get("Fn::Select") if isinstance(value, dict) else None
    if isinstance(select, list) and len(select) == 2 and select[0] in (1, "1"):
        split = select[1].get("Fn::Split") if isinstance(select[1], dict) else None
        if isinstance(split, list) and len(split) == 2 and split[0] == "/":
            return split[1]
    return value


def _job_definition_endpoints(schedule: Resource, job_name: Any) -> list:
    """The endpoints of the stack's job definitions that `job_name` refers to: their name, a Ref or
    GetAtt of them, or the name taken from their ARN (generated names)."""
    job_name = _named_by_arn(job_name)
    endpoints = []
    for job_type, input_property in JOB_INPUTS.items():
        for job in schedule.stack.of_type(job_type):
            if refers_to(job_name, job, job.get("JobDefinitionName")):
                endpoints += [job.get("EndpointName"), _endpoint_input(job.get(input_property))]
    return endpoints


def monitored_endpoints(schedule: Resource) -> list:
    """Every value by which the schedule names an endpoint: its `EndpointName`, its inline job
    definition's `MonitoringInputs[].EndpointInput.EndpointName`, or those of the job definition
    (of this stack) named by `MonitoringJobDefinitionName`."""
    config = schedule.get("MonitoringScheduleConfig") or {}
    inline = config.get("MonitoringJobDefinition") or {}
    endpoints = [schedule.get("EndpointName")]
    endpoints += [_endpoint_input(each) for each in inline.get("MonitoringInputs") or []]
    if config.get("MonitoringJobDefinitionName") is not None:
        endpoints += _job_definition_endpoints(schedule, config["MonitoringJobDefinitionName"])
    return [endpoint for endpoint in endpoints if endpoint is not None]
