from __future__ import annotations

from aws_cdk import aws_sagemaker as sagemaker
from cdk_nag import NagRuleCompliance

from compliance.sagemaker_rules.rule import NagRule
from compliance.sagemaker_rules.template import resolved


def studio_domain_vpc_only(node: sagemaker.CfnDomain) -> NagRuleCompliance:
    """Studio's default, PublicInternetOnly, gives every notebook a path to the internet that bypasses
    the VPC, its endpoints and flow logs: data can leave unseen. A value CDK cannot resolve is not
    provably VpcOnly, so it fails too."""
    if resolved(node, "app_network_access_type") == "VpcOnly":
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT


RULE = NagRule(
    name="StudioDomainVpcOnly",
    applies_to=sagemaker.CfnDomain,
    check=studio_domain_vpc_only,
    info="The SageMaker Studio domain does not set AppNetworkAccessType to VpcOnly.",
    explanation="Set app_network_access_type='VpcOnly' so that Studio apps reach AWS and the internet only "
    "through the domain's VPC (its endpoints, security groups and flow logs).",
)
