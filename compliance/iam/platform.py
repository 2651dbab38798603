"""The names and ARNs the platform's workflows act on, from the config and the synthesized assembly:
config names through `platform_config.naming`, generated identifiers as the resolver's stand-ins."""

from __future__ import annotations

from functools import cached_property

from compliance.iam.assembly import IamModel
from platform_config import PlatformConfig, naming

EXECUTION = "a1b2c3d4e5f6"  # a model-build pipeline execution's id


class Platform:
    """The names and ARNs the workflows act on, from the config and the synthesized assembly."""

    def __init__(self, config: PlatformConfig, model: IamModel) -> None:
        self.config, self.model = config, model
        self.name = config.platform.name
        self.region = config.accounts.dev.region
        self.accounts = {role: getattr(config.accounts, role).account_id for role in ("dev", "test", "prod")}
        self.dev = self.accounts["dev"]
        self.project = config.projects[0].name

    def profile(self, persona: str) -> str:
        """The Studio user profile of the first person with this persona."""
        return next(person.name for person in self.config.people if person.persona == persona)

    def sagemaker(self, resource: str, account: str | None = None) -> str:
        return f"arn:aws:sagemaker:{self.region}:{account or self.dev}:{resource}"

    def bucket(self, purpose: str, account: str | None = None) -> str:
        return f"arn:aws:s3:::{naming.bucket(self.name, purpose, account or self.dev)}"

    def key(self, stack: str, prefix: str) -> str:
        (arn,) = self.model.arns(stack, "AWS::KMS::Key", prefix)
        return arn

    def role_arn(self, name: str, account: str | None = None) -> str:
        return f"arn:aws:iam::{account or self.dev}:role/{name}"

    def network(self, role: str) -> tuple[str, list[str], list[str]]:
        """The VPC's ARN, the job subnets and the jobs' security group of an account's network."""
        stack, account = f"{role}-Network", self.accounts[role]
        (vpc,) = self.model.physical_names(stack, "AWS::EC2::VPC")
        subnets = self.model.physical_names(stack, "AWS::EC2::Subnet", "VpcJobs")
        groups = self.model.physical_names(stack, "AWS::EC2::SecurityGroup", "Jobs")
        return f"arn:aws:ec2:{self.region}:{account}:vpc/{vpc}", subnets, groups

    @cached_property
    def domain_id(self) -> str:
        (domain,) = self.model.physical_names("dev-Studio", "AWS::SageMaker::Domain")
        return domain

    @cached_property
    def data_key(self) -> str:
        return self.key("dev-Storage", "DataKey")

    @cached_property
    def artifacts_key(self) -> str:
        return self.key("dev-Storage", "ModelArtifactsKey")

    def run(self, purpose: str, path: str) -> str:
        """An object a model-build execution writes: under `<project>/model-build/<execution id>/` of
        the processed-data bucket (splits) or the model-artifacts bucket (model, metrics, baseline)."""
        return f"{self.bucket(purpose)}/{self.project}/model-build/{EXECUTION}/{path}"

    @property
    def package(self) -> str:
        return self.sagemaker(f"model-package/{self.group_name}/3")

    @property
    def group_name(self) -> str:
        return self.config.projects[0].package_group_name

    @property
    def promotion_pipeline(self) -> str:
        return f"arn:aws:codepipeline:{self.region}:{self.dev}:{naming.promotion_pipeline(self.name, self.project)}"

    @property
    def audit_table(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.dev}:table/{naming.audit_table(self.name)}"
