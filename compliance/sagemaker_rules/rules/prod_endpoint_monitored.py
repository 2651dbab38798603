from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.monitoring import monitored_endpoints
from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import in_prod, refers_to, resolved, stack_resources


def prod_endpoint_monitored(node: sagemaker.CfnEndpoint) -> NagRuleCompliance:
    """A prod model degrades silently as its input drifts: some Model Monitor schedule of the same stack
    must watch each prod endpoint, naming it by its resolved name or by a Ref/GetAtt to it."""
    if not in_prod(node):
        return NagRuleCompliance.NOT_APPLICABLE
    name = resolved(node, "endpoint_name")
    for schedule in stack_resources(node, sagemaker.CfnMonitoringSchedule):
        if any(refers_to(endpoint, node, name) for endpoint in monitored_endpoints(schedule)):
            return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="ProdEndpointMonitored",
    applies_to=sagemaker.CfnEndpoint,
    check=prod_endpoint_monitored,
    info="The prod SageMaker endpoint has no Model Monitor schedule in its stack.",
    explanation="Add a CfnMonitoringSchedule in the same stack whose job definition's endpoint input names "
    "this endpoint (e.g. endpoint.attr_endpoint_name).",
)
