from __future__ import annotations

from compliance.sagemaker_rules.rule import Compliance, Rule
from compliance.sagemaker_rules.template import Resource


def studio_domain_vpc_only(node: Resource) -> Compliance:
    """Studio's default, PublicInternetOnly, gives every notebook a path to the internet that bypasses
    the VPC, its endpoints and flow logs: data can leave unseen. A value known only at deploy time
    (a parameter) is not provably VpcOnly, so it fails too."""
    if node.get("AppNetworkAccessType") == "VpcOnly":
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT


RULE = Rule(
    name="StudioDomainVpcOnly",
    applies_to="AWS::SageMaker::Domain",
    check=studio_domain_vpc_only,
    info="The SageMaker Studio domain does not set AppNetworkAccessType to VpcOnly.",
    explanation="Set app_network_access_type='VpcOnly' so that Studio apps reach AWS and the internet only "
    "through the domain's VPC (its endpoints, security groups and flow logs).",
)
