from __future__ import annotations

from compliance.sagemaker_rules.monitoring import ENDPOINT, SCHEDULE, monitored_endpoints
from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource, refers_to


def prod_endpoint_monitored(node: Resource) -> Compliance:
    """A prod model degrades silently as its input drifts: some Model Monitor schedule of the same stack
    must watch each prod endpoint, naming it by its name or by a Ref/GetAtt to it."""
    if not node.in_prod:
        return Compliance.NOT_APPLICABLE
    name = node.get("EndpointName")
    for schedule in node.stack.of_type(SCHEDULE):
        if any(refers_to(endpoint, node, name) for endpoint in monitored_endpoints(schedule)):
            return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="ProdEndpointMonitored",
    applies_to=ENDPOINT,
    check=prod_endpoint_monitored,
    info="The prod SageMaker endpoint has no Model Monitor schedule in its stack.",
    explanation="Add a CfnMonitoringSchedule in the same stack whose job definition's endpoint input names "
    "this endpoint (e.g. endpoint.attr_endpoint_name).",
)
