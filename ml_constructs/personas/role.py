"""A Studio execution role: a persona's (or the shared spaces' default), under the persona boundary,
with managed policies of what it may do (each under IAM's 6,144 characters: a persona's Studio basics
and its own work are two)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Tags
from aws_cdk import aws_iam as iam
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards

WILDCARDS = (
    "Each wildcard is scoped to this account's platform-prefixed resources, a child path of a named "
    "resource, a read-only action family, or an action IAM cannot scope to a resource."
)


class PersonaRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        role_name: str,
        description: str,
        boundary: iam.IManagedPolicy,
        persona: str | None,
    ) -> None:
        """`persona`: tagged on the role (how checks tell the compliance officer's role apart)."""
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Default",  # the role is this construct's resource: its logical id is the construct's
            role_name=role_name,
            description=description,
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            permissions_boundary=boundary,
        )
        if persona:
            Tags.of(self.role).add("persona", persona)

    def allow(
        self,
        description: str,
        statements: Sequence[iam.PolicyStatement],
        wildcards: str = WILDCARDS,
        policy_id: str = "Policy",
    ) -> None:
        """What the role may do, as a managed policy whose wildcards must be scoped (or refused)."""
        policy = iam.ManagedPolicy(
            self, policy_id, description=description, statements=list(statements), roles=[self.role]
        )
        acknowledge_scoped_wildcards(policy, wildcards)
