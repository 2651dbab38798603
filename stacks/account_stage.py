"""One `cdk.Stage` per AWS account, holding the stacks that account's role needs."""

from __future__ import annotations

from aws_cdk import Environment, Stage, Tags
from constructs import Construct

from platform_config import AccountRole, PlatformConfig
from stacks.billing import BillingStack
from stacks.model_build import ModelBuildStack
from stacks.network import NetworkStack
from stacks.registry import RegistryStack
from stacks.serving import ServingStack
from stacks.serving_foundation import ServingFoundationStack
from stacks.storage import StorageStack
from stacks.studio import StudioStack


class AccountStage(Stage):
    """Everything deployed into one of the platform's accounts, tagged for cost allocation."""

    def __init__(self, scope: Construct, *, config: PlatformConfig, role: AccountRole) -> None:
        account = getattr(config.accounts, role)
        super().__init__(
            scope, role, env=Environment(account=account.account_id, region=account.region)
        )
        self.billing = BillingStack(
            self,
            "Billing",
            config=config,
            role=role,
            account=account,
        )
        if role == "dev":
            self.network = NetworkStack(
                self,
                "Network",
                config=config,
                account=account,
                endpoint_services=config.network.endpoint_services,
                description="VPC for Studio and SageMaker jobs (dev)",
            )
            self.storage = StorageStack(self, "Storage", config=config)
            self.registry = RegistryStack(self, "Registry", config=config)
            self.studio = StudioStack(self, "Studio", config=config, network=self.network, storage=self.storage)
            self.model_build = ModelBuildStack(
                self, "ModelBuild", config=config, network=self.network, storage=self.storage, studio=self.studio
            )
        else:
            self.network = NetworkStack(
                self,
                "Network",
                config=config,
                account=account,
                endpoint_services=config.network.serving_interface_endpoints,
                description=f"VPC for SageMaker endpoints and monitoring ({role})",
            )
            self.foundation = ServingFoundationStack(self, "ServingFoundation", config=config, role=role)
            self.serving = {
                project.name: ServingStack(
                    self,
                    f"Serving-{project.name}",
                    config=config,
                    project=project,
                    role=role,
                    network=self.network,
                    foundation=self.foundation,
                )
                for project in config.projects
            }
        for key, value in (
            ("project", config.platform.name),
            ("account-role", role),
            ("cost-centre", config.platform.cost_centre),
        ):
            Tags.of(self).add(key, value)
