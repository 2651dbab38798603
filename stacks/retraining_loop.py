"""The dev end of the feedback loop, in a stack of its own (see `ml_constructs.retraining_loop`)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.retraining_loop import RetrainingLoop, RetrainingProps


class RetrainingLoopStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, props: RetrainingProps) -> None:
        super().__init__(
            scope, construct_id, description="Prod drift findings: notify, and retrain where configured (dev)"
        )
        RetrainingLoop(self, "RetrainingLoop", props=props)
