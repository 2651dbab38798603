"""What each documented workflow of the platform asks of IAM: per persona and per platform role, the
calls AWS makes with that role's credentials, each with the AWS page that says the call is needed.

A call names the action, every resource it is authorized on (all must be allowed) and the request's
condition keys. Names and ARNs come from the config and the synthesized assembly (`Platform`), so the
table follows the templates; identifiers CloudFormation generates are the resolver's stand-ins.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from compliance.iam.platform import Platform
from compliance.iam.workflows import personas, platform_roles, starters
from compliance.iam.workflows.calls import Call
from platform_config import naming


@dataclass(frozen=True)
class Workflow:
    """Who runs a workflow (a role's name, and which account's), and the calls it makes."""

    role: Callable[[Platform], str]
    account: str  # dev, test or prod
    calls: Callable[[Platform], list[Call]]
    needs_feature_store: bool = False  # only with `studio.feature_store` on


def _persona(persona: str) -> Callable[[Platform], str]:
    return lambda p: naming.persona_role(p.name, persona)


def _function_role(prefix: str, stack: str = "dev-Promotion") -> Callable[[Platform], str]:
    """A platform function's role (a promotion function's by default), named by CloudFormation."""
    return lambda p: p.model.physical_names(stack, "AWS::IAM::Role", f"{prefix}Role")[0]


def _project_role(name: Callable[[str, str], str]) -> Callable[[Platform], str]:
    return lambda p: name(p.name, p.project)


def _serving_role(name: Callable[[str, str, str], str], role: str) -> Callable[[Platform], str]:
    return lambda p: name(p.name, p.project, role)


DE, DS, MLOPS, CO = (
    _persona(p) for p in ("data-engineer", "data-scientist", "mlops-engineer", "compliance-officer")
)

# The personas who install the operator commands in Studio (README, "Operator commands"), and
# the only ones who may read them.
OPERATORS = ("data-scientist", "mlops-engineer", "compliance-officer")

WORKFLOWS: dict[str, Workflow] = {
    **{
        f"{persona}: Studio JupyterLab space": Workflow(
            _persona(persona), "dev", functools.partial(personas.studio, persona=persona)
        )
        for persona in ("data-engineer", "data-scientist", "mlops-engineer", "compliance-officer")
    },
    "data-engineer: processing job in the VPC": Workflow(DE, "dev", personas.data_engineer_processing),
    "data-engineer: Feature Store with an offline store": Workflow(
        DE, "dev", personas.data_engineer_feature_store, needs_feature_store=True
    ),
    "data-engineer: Data Wrangler flow": Workflow(DE, "dev", personas.data_engineer_data_wrangler),
    "data-engineer: Studio starter notebook": Workflow(DE, "dev", starters.data_engineer_starter),
    "data-scientist: Studio starter notebook": Workflow(DS, "dev", starters.data_scientist_starter),
    "data-scientist: processing job in the VPC": Workflow(DS, "dev", personas.data_scientist_processing),
    "data-scientist: training job in the VPC": Workflow(DS, "dev", personas.data_scientist_training),
    "data-scientist: experiments": Workflow(DS, "dev", personas.data_scientist_experiments),
    "data-scientist: register a version as PendingManualApproval": Workflow(
        DS, "dev", personas.data_scientist_registry
    ),
    **{
        f"{persona}: install the operator commands in Studio": Workflow(
            _persona(persona), "dev", personas.install_operator_commands
        )
        for persona in OPERATORS
    },
    "data-scientist: mlp-promote pending": Workflow(DS, "dev", personas.cli_pending),
    "mlops-engineer: start, watch and update pipelines": Workflow(MLOPS, "dev", personas.mlops_pipelines),
    "mlops-engineer: mlp-promote rollback": Workflow(MLOPS, "dev", personas.cli_rollback),
    "mlops-engineer: mlp-promote history": Workflow(MLOPS, "dev", personas.cli_history),
    "mlops-engineer: watch promotions": Workflow(MLOPS, "dev", personas.watch_promotions),
    "compliance-officer: mlp-promote pending": Workflow(CO, "dev", personas.cli_pending),
    "compliance-officer: mlp-promote approve and reject": Workflow(CO, "dev", personas.cli_decide),
    "compliance-officer: mlp-promote gate": Workflow(CO, "dev", personas.cli_gate),
    "compliance-officer: mlp-promote history": Workflow(CO, "dev", personas.cli_history),
    "compliance-officer: mlp-promote card": Workflow(CO, "dev", personas.cli_card),
    "compliance-officer: mlp-lineage": Workflow(CO, "dev", personas.lineage),
    "model-build pipeline role": Workflow(
        _project_role(naming.model_build_role), "dev", platform_roles.model_build
    ),
    "test model role": Workflow(
        _serving_role(naming.model_execution_role, "test"), "test", platform_roles.model_in_test
    ),
    "prod model role": Workflow(
        _serving_role(naming.model_execution_role, "prod"), "prod", platform_roles.model_in_prod
    ),
    "promotion steps role": Workflow(
        _project_role(naming.promotion_steps_role), "dev", platform_roles.promotion_steps
    ),
    "test check role": Workflow(
        _serving_role(naming.promotion_check_role, "test"), "test", platform_roles.check_in_test
    ),
    "prod check role": Workflow(
        _serving_role(naming.promotion_check_role, "prod"), "prod", platform_roles.check_in_prod
    ),
    "promotion trigger function": Workflow(
        _function_role("TriggerHandler"), "dev", platform_roles.promotion_trigger
    ),
    "audit trail function": Workflow(_function_role("AuditTrailRecorder"), "dev", platform_roles.audit_trail),
    "retraining loop function": Workflow(
        _function_role("Retrain", "dev-RetrainingLoop"), "dev", platform_roles.retraining_function
    ),
    "prod feedback replication role": Workflow(
        lambda p: naming.feedback_replication_role(p.name), "prod", platform_roles.feedback_replication
    ),
}
