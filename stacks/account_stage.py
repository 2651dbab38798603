"""One `cdk.Stage` per AWS account, holding the stacks that account's role needs."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Environment, Stage, Tags
from constructs import Construct

from platform_config import AccountRole, PlatformConfig
from stacks.billing import BillingStack
from stacks.model_build import ModelBuildStack
from stacks.network import NetworkStack
from stacks.promotion import PromotionPipelineStack, PromotionStack
from stacks.registry import RegistryStack
from stacks.retraining_loop import RetrainingLoopStack
from stacks.serving import ServingStack
from stacks.serving_foundation import ServingFoundationStack
from stacks.storage import StorageStack
from stacks.studio import StudioStack


class AccountStage(Stage):
    """Everything deployed into one of the platform's accounts, tagged for cost allocation."""

    def __init__(self, scope: Construct, *, config: PlatformConfig, role: AccountRole) -> None:
        account = getattr(config.accounts, role)
        super().__init__(scope, role, env=Environment(account=account.account_id, region=account.region))
        self.config, self.account_role, self.platform_account = config, role, account
        self.billing = BillingStack(self, "Billing", config=config, role=role, account=account)
        for key, value in (
            ("project", config.platform.name),
            ("account-role", role),
            ("cost-centre", config.platform.cost_centre),
        ):
            Tags.of(self).add(key, value)

    def _network(self, endpoint_services: tuple[str, ...], description: str) -> NetworkStack:
        return NetworkStack(
            self,
            "Network",
            config=self.config,
            account=self.platform_account,
            endpoint_services=endpoint_services,
            description=description,
        )


class DevStage(AccountStage):
    """Studio, the registry, model-build pipelines, and the promotion of approved models."""

    def __init__(
        self,
        scope: Construct,
        *,
        config: PlatformConfig,
        serving_templates: dict[tuple[str, str], Path],
        workdir: Path,
    ) -> None:
        """`serving_templates`: each (project, "test"|"prod") serving stack's synthesized template."""
        super().__init__(scope, config=config, role="dev")
        self.network = self._network(
            config.network.endpoint_services, "VPC for Studio and SageMaker jobs (dev)"
        )
        self.storage = StorageStack(self, "Storage", config=config)
        self.registry = RegistryStack(self, "Registry", config=config)
        self.studio = StudioStack(self, "Studio", config=config, network=self.network, storage=self.storage)
        self.retraining = RetrainingLoopStack(self, "RetrainingLoop", config=config)
        self.promotion = PromotionStack(self, "Promotion", config=config)
        self.model_build, self.promotion_pipelines = {}, {}
        for project in config.projects:
            self.model_build[project.name] = ModelBuildStack(
                self,
                f"ModelBuild-{project.name}",
                config=config,
                project=project,
                network=self.network,
                storage=self.storage,
                studio=self.studio,
            )
            self.retraining.add_stack_dependency(self.model_build[project.name])
            self.promotion_pipelines[project.name] = PromotionPipelineStack(
                self,
                f"Promotion-{project.name}",
                config=config,
                project=project,
                storage=self.storage,
                shared=self.promotion,
                serving_templates={
                    role: serving_templates[(project.name, role)] for role in ("test", "prod")
                },
                workdir=workdir,
            )


class ServingStage(AccountStage):
    """Test or prod: a VPC, shared serving resources, and one serving stack per project."""

    def __init__(self, scope: Construct, *, config: PlatformConfig, role: AccountRole) -> None:
        super().__init__(scope, config=config, role=role)
        self.network = self._network(
            config.network.serving_interface_endpoints, f"VPC for SageMaker endpoints and monitoring ({role})"
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
