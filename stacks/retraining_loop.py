"""The dev end of the feedback loop, in a stack of its own (see `ml_constructs.retraining_loop`)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.retraining_loop import DriftResponse, RetrainingLoop


class RetrainingLoopStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        prod_account_id: str,
        prod_region: str,
        alert_emails: Sequence[str],
        responses: Sequence[DriftResponse],
    ) -> None:
        super().__init__(
            scope, construct_id, description="Prod drift findings: notify, and retrain where configured (dev)"
        )
        RetrainingLoop(
            self,
            "RetrainingLoop",
            platform=platform,
            prod_account_id=prod_account_id,
            prod_region=prod_region,
            alert_emails=alert_emails,
            responses=responses,
        )
