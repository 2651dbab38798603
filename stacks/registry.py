"""The Model Registry in dev: one model package group per project, readable by test and prod."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from platform_config import PlatformConfig

# What the serving accounts may do with a project's packages: look, and build a model from one.
# Never UpdateModelPackage: approval stays with dev's compliance officer.
SERVING_ACCOUNT_ACTIONS = ("sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages", "sagemaker:CreateModel")


class RegistryStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig) -> None:
        super().__init__(scope, construct_id, description="Model Registry: a model package group per project (dev)")
        # Set semantics: in a single-account trial the same account must appear once.
        serving_accounts = sorted({config.accounts.test.account_id, config.accounts.prod.account_id})
        principals = [iam.AccountPrincipal(account).arn for account in serving_accounts]
        self.groups: dict[str, sagemaker.CfnModelPackageGroup] = {}
        for project in config.projects:
            group_name = project.package_group_name
            group_arn = self.format_arn(service="sagemaker", resource="model-package-group", resource_name=group_name)
            packages_arn = self.format_arn(service="sagemaker", resource="model-package", resource_name=f"{group_name}/*")
            group = sagemaker.CfnModelPackageGroup(
                self,
                f"{project.name.title().replace('-', '')}Group",
                model_package_group_name=group_name,
                model_package_group_description=f"Model versions of the {project.name} project",
                model_package_group_policy={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ServingAccountsDescribeGroup",
                            "Effect": "Allow",
                            "Principal": {"AWS": principals},
                            "Action": "sagemaker:DescribeModelPackageGroup",
                            "Resource": group_arn,
                        },
                        {
                            "Sid": "ServingAccountsReadPackagesAndCreateModels",
                            "Effect": "Allow",
                            "Principal": {"AWS": principals},
                            "Action": list(SERVING_ACCOUNT_ACTIONS),
                            "Resource": packages_arn,
                        },
                    ],
                },
                tags=[{"key": "ml-project", "value": project.name}],
            )
            # Versions, their approvals and their lineage live in the group: never delete it with the stack.
            group.apply_removal_policy(RemovalPolicy.RETAIN)
            self.groups[project.name] = group
