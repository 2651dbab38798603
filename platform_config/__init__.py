"""The deployment's configuration: one TOML file, loaded into frozen, validated models."""

from platform_config.loader import ConfigError, load_config
from platform_config.schema import ACCOUNT_ROLES, Account, AccountRole, PlatformConfig, Project

__all__ = [
    "ACCOUNT_ROLES",
    "Account",
    "AccountRole",
    "ConfigError",
    "PlatformConfig",
    "Project",
    "load_config",
]
