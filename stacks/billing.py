"""Billing guardrails of one account, in the billing home region (the only one with billing metrics)."""

from __future__ import annotations

from aws_cdk import Environment, Stack
from constructs import Construct

from ml_constructs.billing_guardrails import BillingGuardrails, GuardrailProps


class BillingStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, env: Environment, props: GuardrailProps
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Billing guardrails of the {props.account_label} account",
            env=env,
        )
        BillingGuardrails(self, "Guardrails", props=props)
