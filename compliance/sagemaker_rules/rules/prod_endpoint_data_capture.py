from __future__ import annotations

from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource


def prod_endpoint_data_capture(node: Resource) -> Compliance:
    """Model Monitor can only judge drift from captured requests and responses, and an incident review
    needs them: every prod endpoint config captures. It must say so (`EnableCapture: true`), so that a
    reviewer reading the template sees it."""
    if not node.in_prod:
        return Compliance.NOT_APPLICABLE
    capture = node.get("DataCaptureConfig") or {}
    if capture.get("EnableCapture") is True:
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="ProdEndpointDataCapture",
    applies_to="AWS::SageMaker::EndpointConfig",
    check=prod_endpoint_data_capture,
    info="The prod SageMaker endpoint config does not enable data capture.",
    explanation="Set data_capture_config with enable_capture=True (input and output, to an encrypted bucket) "
    "so that Model Monitor and incident reviews have the traffic.",
)
