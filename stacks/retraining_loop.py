"""The dev end of the feedback loop, in a stack of its own (see `ml_constructs.retraining_loop`)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.retraining_loop import RetrainingLoop
from platform_config import PlatformConfig


class RetrainingLoopStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig) -> None:
        super().__init__(
            scope, construct_id, description="Prod drift findings: notify, and retrain where configured (dev)"
        )
        self.loop = RetrainingLoop(self, "RetrainingLoop", config=config)
