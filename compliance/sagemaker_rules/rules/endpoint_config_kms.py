from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import resolved


def endpoint_config_kms(node: sagemaker.CfnEndpointConfig) -> NagRuleCompliance:
    """Model artefacts and request payloads sit on the hosting instances' volumes: a key of ours lets us
    audit and revoke access to them.

    A config with any instance-backed variant (production or shadow) must set `KmsKeyId`. A config
    whose variants are all serverless has no volume to key: it must set `DataCaptureConfig.KmsKeyId`
    when it captures data (capture is on unless `EnableCapture` is false, the API's default), and is
    otherwise not applicable. Instance types with local NVMe storage refuse a `KmsKeyId` (their disks
    are encrypted in hardware): acknowledge the finding for them with that reason.
    """
    variants = [
        *(resolved(node, "production_variants") or []),
        *(resolved(node, "shadow_production_variants") or []),
    ]
    if any("serverlessConfig" not in variant for variant in variants):
        key = resolved(node, "kms_key_id")
    else:
        capture = resolved(node, "data_capture_config")
        if not capture or capture.get("enableCapture") is False:
            return NagRuleCompliance.NOT_APPLICABLE
        key = capture.get("kmsKeyId")
    return NagRuleCompliance.COMPLIANT if key else NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="EndpointConfigKms",
    applies_to=sagemaker.CfnEndpointConfig,
    check=endpoint_config_kms,
    info="The SageMaker endpoint config does not encrypt with a customer-managed KMS key.",
    explanation="Set kms_key_id to a customer-managed key for instance-backed variants; for an "
    "all-serverless config that captures data, set data_capture_config.kms_key_id.",
)
