"""Which endpoint a Model Monitor schedule watches, however the schedule names it."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_sagemaker as sagemaker

from compliance.sagemaker_rules.template import refers_to, resolved, stack_resources

# A job definition's input, by type: each holds an `endpointInput` like the schedule's own.
JOB_INPUTS = {
    sagemaker.CfnDataQualityJobDefinition: "data_quality_job_input",
    sagemaker.CfnModelQualityJobDefinition: "model_quality_job_input",
    sagemaker.CfnModelBiasJobDefinition: "model_bias_job_input",
    sagemaker.CfnModelExplainabilityJobDefinition: "model_explainability_job_input",
}


def _endpoint_input(job_input: Any) -> Any:
    return ((job_input or {}).get("endpointInput") or {}).get("endpointName")


def _named_by_arn(value: Any) -> Any:
    """`{"Fn::Select": [1, {"Fn::Split": ["/", X]}]}`, a resource's name taken from its ARN X, as X."""
    select = value.get("Fn::Select") if isinstance(value, dict) else None
    if isinstance(select, list) and len(select) == 2 and select[0] in (1, "1"):
        split = select[1].get("Fn::Split") if isinstance(select[1], dict) else None
        if isinstance(split, list) and len(split) == 2 and split[0] == "/":
            return split[1]
    return value


def _job_definition_endpoints(schedule: sagemaker.CfnMonitoringSchedule, job_name: Any) -> list:
    """The endpoints of the stack's job definitions that `job_name` (resolved) refers to: their name,
    a Ref or GetAtt of them, or the name taken from their ARN (generated names)."""
    job_name = _named_by_arn(job_name)
    endpoints = []
    for job_type, input_attribute in JOB_INPUTS.items():
        for job in stack_resources(schedule, job_type):
            if refers_to(job_name, job, resolved(job, "job_definition_name")):
                endpoints += [
                    resolved(job, "endpoint_name"),
                    _endpoint_input(resolved(job, input_attribute)),
                ]
    return endpoints


def monitored_endpoints(schedule: sagemaker.CfnMonitoringSchedule) -> list:
    """Every resolved value by which the schedule names an endpoint: its `EndpointName`, its inline job
    definition's `MonitoringInputs[].EndpointInput.EndpointName`, or those of the job definition
    (of this stack) named by `MonitoringJobDefinitionName`."""
    config = resolved(schedule, "monitoring_schedule_config") or {}
    inline = config.get("monitoringJobDefinition") or {}
    endpoints = [resolved(schedule, "endpoint_name")]
    endpoints += [_endpoint_input(each) for each in inline.get("monitoringInputs") or []]
    if config.get("monitoringJobDefinitionName") is not None:
        endpoints += _job_definition_endpoints(schedule, config["monitoringJobDefinitionName"])
    return [endpoint for endpoint in endpoints if endpoint is not None]
