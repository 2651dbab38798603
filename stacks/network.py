"""An account's network, in a stack of its own so that every stack of the account can use it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.platform_vpc import PlatformVpc


class NetworkStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        description: str,
        cidr: str,
        zones: Sequence[str],
        with_nat: bool,
        interface_endpoints: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id, description=description)
        self.placement = PlatformVpc(
            self,
            "Vpc",
            cidr=cidr,
            zones=zones,
            with_nat=with_nat,
            interface_endpoints=interface_endpoints,
        ).placement
