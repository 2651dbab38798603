from __future__ import annotations

from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource


def endpoint_config_kms(node: Resource) -> Compliance:
    """Model artefacts and request payloads sit on the hosting instances' volumes: a key of ours lets us
    audit and revoke access to them.

    A config with any instance-backed variant (production or shadow) must set `KmsKeyId`. A config
    whose variants are all serverless has no volume to key: it must set `DataCaptureConfig.KmsKeyId`
    when it captures data (capture is on unless `EnableCapture` is false, the API's default), and is
    otherwise not applicable. Instance types with local NVMe storage refuse a `KmsKeyId` (their disks
    are encrypted in hardware): acknowledge the finding for them with that reason.
    """
    variants = [*(node.get("ProductionVariants") or []), *(node.get("ShadowProductionVariants") or [])]
    if any("ServerlessConfig" not in variant for variant in variants):
        key = node.get("KmsKeyId")
    else:
        capture = node.get("DataCaptureConfig")
        if not capture or capture.get("EnableCapture") is False:
            return Compliance.NOT_APPLICABLE
        key = capture.get("KmsKeyId")
    return Compliance.COMPLIANT if key else Compliance.NON_COMPLIANT


RULE = Rule(
    name="EndpointConfigKms",
    applies_to="AWS::SageMaker::EndpointConfig",
    check=endpoint_config_kms,
    info="The SageMaker endpoint config does not encrypt with a customer-managed KMS key.",
    explanation="Set kms_key_id to a customer-managed key for instance-backed variants; for an "
    "all-serverless config that captures data, set data_capture_config.kms_key_id.",
)
