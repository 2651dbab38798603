"""The deployment's config, as a command reads it: the file, one of its projects, a region."""

from __future__ import annotations

from pathlib import Path

from operator_cli.errors import UsageError
from platform_config import ConfigError, PlatformConfig, Project, load_config
from platform_config.schema import sagemaker_regions


def load(path: str) -> PlatformConfig:
    """The validated config; a bad file raises `ConfigError` (one line, reported as `config error:`)."""
    if not Path(path).is_file():
        # The loader's own fix names the CDK's `-c config=PATH`; a tool's flag is --config.
        raise ConfigError(
            f"{path}: no such config file; fix: copy config/example.toml and pass it with --config"
        )
    return load_config(path)


def project(config: PlatformConfig, name: str, path: str) -> Project:
    """The config's project of that name, or a usage error naming the ones there are."""
    found = next((p for p in config.projects if p.name == name), None)
    if found is None:
        known = ", ".join(p.name for p in config.projects)
        raise UsageError(f"unknown project {name!r} in {path}", f"use one of: {known}")
    return found


def region(chosen: str | None, default: str, *, account: str, flag: str) -> str:
    """`chosen` (the tool's `flag`) if given, else `default` (the `account`'s region in the config);
    a region without SageMaker is a usage error."""
    region = chosen or default
    if region not in sagemaker_regions():
        raise UsageError(
            f"{flag} {region!r} is not an AWS region with SageMaker",
            f"use a region code such as {default} (the {account} account's)",
        )
    return region
