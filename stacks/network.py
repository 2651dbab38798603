"""An account's network, in a stack of its own so that every stack of the account can use it."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.platform_vpc import PlatformVpc, VpcProps


class NetworkStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, description: str, props: VpcProps) -> None:
        self._zones = list(props.zones)
        super().__init__(scope, construct_id, description=description)
        self.placement = PlatformVpc(self, "Vpc", props=props).placement

    @property
    def availability_zones(self) -> list[str]:
        """The configured zones: CDK would otherwise look them up, which needs credentials (the CLI
        then fails the synthesis; an in-process synthesis silently uses `dummy1a`...)."""
        return self._zones
