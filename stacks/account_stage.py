"""One `cdk.Stage` per AWS account, holding the stacks that account's role needs (built from the
config by `stacks/from_config.py`)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Environment, Stage, Tags
from constructs import Construct

from platform_config import AccountRole, PlatformConfig
from stacks import from_config


class AccountStage(Stage):
    """Everything deployed into one of the platform's accounts, tagged for cost allocation."""

    def __init__(self, scope: Construct, *, config: PlatformConfig, role: AccountRole) -> None:
        account = getattr(config.accounts, role)
        super().__init__(scope, role, env=Environment(account=account.account_id, region=account.region))
        self.billing = from_config.billing_stack(self, config, role)
        self.network = from_config.network_stack(self, config, role)
        for key, value in from_config.cost_tags(config, role).items():
            Tags.of(self).add(key, value)


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
        assert self.network, "dev always has a VPC (PlatformConfig.needs_vpc)"
        placement = self.network.placement
        store = from_config.storage_stack(self, config).store
        from_config.registry_stack(self, config)
        studio = from_config.studio_stack(self, config, placement, store)
        retraining = from_config.retraining_stack(self, config, store)
        promotion = from_config.promotion_stack(self, config)
        for project in config.projects:
            model_build = from_config.model_build_stack(self, config, project, placement, store, studio)
            retraining.add_stack_dependency(model_build)
            from_config.promotion_pipeline_stack(
                self,
                config,
                project,
                store,
                promotion,
                {role: serving_templates[(project.name, role)] for role in ("test", "prod")},
                workdir,
            )


class ServingStage(AccountStage):
    """Test or prod: a VPC (where an endpoint needs one), shared serving resources, and one serving
    stack per project."""

    def __init__(self, scope: Construct, *, config: PlatformConfig, role: AccountRole) -> None:
        super().__init__(scope, config=config, role=role)
        foundation = from_config.serving_foundation_stack(self, config, role)
        self.serving = {
            project.name: from_config.serving_stack(self, config, project, role, self.network, foundation)
            for project in config.projects
        }
