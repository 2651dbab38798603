"""IAM as AWS evaluates it, offline: wildcard patterns, conditions, the decision between identity,
boundary, resource and organization policies, the service authorization reference, and the policies
of a synthesized assembly.

Policy evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""
