"""The pack's rules, one per module, in the order findings are reported."""

from compliance.sagemaker_rules.rules import (
    approval_only_by_compliance_officer,
    audit_bucket_object_locked,
    endpoint_config_kms,
    model_package_group_policy_no_write,
    monitoring_schedule_alarmed,
    prod_endpoint_data_capture,
    prod_endpoint_monitored,
    studio_domain_vpc_only,
)

RULES = (
    studio_domain_vpc_only.RULE,
    endpoint_config_kms.RULE,
    prod_endpoint_data_capture.RULE,
    prod_endpoint_monitored.RULE,
    model_package_group_policy_no_write.RULE,
    approval_only_by_compliance_officer.RULE,
    monitoring_schedule_alarmed.RULE,
    audit_bucket_object_locked.RULE,
)
