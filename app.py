#!/usr/bin/env python3
"""Synthesizes the ML platform for the deployment described by `-c config=PATH`."""

import sys

from aws_cdk import App

from platform_config import ConfigError, load_config
from stacks.platform import build_platform


def main() -> None:
    app = App()
    try:
        config = load_config(app.node.try_get_context("config") or "config/example.toml")
    except ConfigError as error:
        sys.exit(f"config error: {error}")
    build_platform(app, config)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        sys.exit(
            "checks failed: fix each finding listed above, or acknowledge it on the narrowest construct "
            "with a reason a security reviewer would accept (see README, 'Security checks')"
        )


if __name__ == "__main__":
    main()
