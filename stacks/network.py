"""An account's network, in a stack of its own so that every stack of the account can use it."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.platform_vpc import PlatformVpc, VpcProps


class NetworkStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, description: str, props: VpcProps) -> None:
        super().__init__(scope, construct_id, description=description)
        self.placement = PlatformVpc(self, "Vpc", props=props).placement
