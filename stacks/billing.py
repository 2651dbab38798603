"""Billing guardrails of one account, in the billing home region (the only one with billing metrics)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Environment, Stack
from constructs import Construct

from ml_constructs.billing_guardrails import BillingGuardrails, SpendLimits


class BillingStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        env: Environment,
        name: str,
        account_label: str,
        limits: SpendLimits,
        emails: Sequence[str],
        cost_tag: tuple[str, str],
    ) -> None:
        super().__init__(
            scope, construct_id, description=f"Billing guardrails of the {account_label} account", env=env
        )
        BillingGuardrails(
            self,
            "Guardrails",
            name=name,
            account_label=account_label,
            limits=limits,
            emails=emails,
            cost_tag=cost_tag,
        )
