from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import in_prod, resolved


def prod_endpoint_data_capture(node: sagemaker.CfnEndpointConfig) -> NagRuleCompliance:
    """Model Monitor can only judge drift from captured requests and responses, and an incident review
    needs them: every prod endpoint config captures. It must say so (`EnableCapture: true`), so that a
    reviewer reading the template sees it."""
    if not in_prod(node):
        return NagRuleCompliance.NOT_APPLICABLE
    capture = resolved(node, "data_capture_config") or {}
    if capture.get("enableCapture") is True:
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="ProdEndpointDataCapture",
    applies_to=sagemaker.CfnEndpointConfig,
    check=prod_endpoint_data_capture,
    info="The prod SageMaker endpoint config does not enable data capture.",
    explanation="Set data_capture_config with enable_capture=True (input and output, to an encrypted bucket) "
    "so that Model Monitor and incident reviews have the traffic.",
)
