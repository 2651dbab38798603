"""SageMaker Studio in dev: the domain, a role per persona under one boundary, a profile per person, and
the operators' commands for its terminals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from ml_constructs.approval_guard import ApprovalGuard
from ml_constructs.operator_commands import OperatorCommands
from ml_constructs.personas import (
    PERSONAS,
    POLICIES,
    PersonaBoundary,
    PersonaRole,
    PersonaScope,
    studio_basics,
)
from ml_constructs.platform_storage import DataStore
from ml_constructs.platform_vpc import NetworkPlacement
from ml_constructs.studio_domain import Notebooks, StudioDomain, UserProfile
from ml_constructs.studio_starters import PersonaStarters, StarterProps
from ml_constructs.studio_starters.sdk_defaults import JobPlacement, PersonaDefaults
from platform_config import naming
from platform_config.schema import PersonaName


@dataclass(frozen=True)
class StudioProps:
    platform: str
    feature_store: bool
    notebooks: Notebooks
    people: Sequence[tuple[str, PersonaName]]  # (name, persona)
    starters: StarterProps
    tags: Mapping[str, str]  # what the SDK tags every job with (the platform's cost tags)
    training_instance_type: str  # ModelTrainer's default in Studio


class StudioStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: StudioProps,
        placement: NetworkPlacement,
        store: DataStore,
    ) -> None:
        super().__init__(
            scope, construct_id, description="SageMaker Studio: domain, persona roles, user profiles (dev)"
        )
        platform = props.platform
        self.boundary = PersonaBoundary(self, "PersonaBoundary", feature_store=props.feature_store).policy
        commands = f"{store.bucket_arn('model-artifacts')}/{naming.OPERATOR_COMMANDS_PREFIX}/*"
        self.approval_guard = guard = ApprovalGuard(self, "ApprovalGuard", operator_commands=commands)
        personas = {persona: self._persona_role(platform, persona) for persona in PERSONAS}
        # Shared spaces and any profile without a persona run as this: Studio itself, nothing more.
        shared = PersonaRole(
            self,
            "StudioDefaultRole",
            role_name=f"{platform}-studio-default",
            description="Studio execution role of shared spaces: Studio basics only",
            boundary=self.boundary,
            persona=None,
        )
        guard.guard(shared.role)
        studio = StudioDomain(
            self,
            "Domain",
            name=platform,
            placement=placement,
            key=store.data_key,
            default_role=shared.role,
            notebooks=props.notebooks,
        )
        scope_ = self._persona_scope(props, studio.domain_id, placement, store)
        for persona, role in personas.items():
            role.allow(
                "Studio basics",
                studio_basics(scope_, role.role.role_arn),
                "Studio's own apps and spaces in this domain, logs, images, listing.",
                policy_id="StudioBasics",
            )
            role.allow(f"What the {persona} persona may do", POLICIES[persona](scope_))
            if persona != "compliance-officer":
                guard.guard(role.role)
        shared.allow(
            "Studio basics for shared spaces",
            studio_basics(scope_, shared.role.role_arn),
            "Studio's own apps and spaces in this domain, logs, images, listing.",
        )
        CfnOutput(self, "DomainId", value=studio.domain_id, description="Studio domain id, for sign-in")
        wheel = OperatorCommands(self, "OperatorCommands", store=store).uri
        CfnOutput(
            self, "OperatorCommandsWheel", value=wheel, description="mlp-promote and mlp-lineage, for Studio"
        )
        starters = PersonaStarters(
            self,
            "Starters",
            props=props.starters,
            defaults={
                persona: self._sdk_defaults(props, persona, role, placement, store)
                for persona, role in personas.items()
            },
        )
        studio.add_profiles(
            [
                UserProfile(name, persona, personas[persona].role, starters.arns[persona])
                for name, persona in props.people
            ]
        )

    @staticmethod
    def _sdk_defaults(
        props: StudioProps,
        persona: PersonaName,
        role: PersonaRole,
        placement: NetworkPlacement,
        store: DataStore,
    ) -> PersonaDefaults:
        """What the persona's SDK calls default to: its own role, the buckets and keys it may use,
        and the jobs, pipelines, endpoints and feature groups its policies allow."""
        engineer = persona == "data-engineer"
        return PersonaDefaults(
            role_arn=None if persona == "compliance-officer" else role.role.role_arn,
            bucket=store.bucket_names["processed-data" if engineer else "model-artifacts"],
            prefix=f"studio/{persona}",
            tags={**props.tags, "persona": persona},
            placement=JobPlacement(placement.subnet_ids, placement.security_group_ids),
            volume_key_arn=store.data_key.key_arn,
            output_key_arn=(store.data_key if engineer else store.artifacts_key).key_arn,
            processing=persona in ("data-engineer", "data-scientist"),
            training_instance_type=props.training_instance_type if persona == "data-scientist" else None,
            pipelines=persona == "mlops-engineer",
            endpoints=persona == "mlops-engineer",
            feature_store=engineer and props.feature_store,
        )

    def _persona_role(self, platform: str, persona: PersonaName) -> PersonaRole:
        return PersonaRole(
            self,
            f"{persona.title().replace('-', '')}Role",
            role_name=naming.persona_role(platform, persona),
            description=f"Studio execution role of the {persona} persona",
            boundary=self.boundary,
            persona=persona,
        )

    def _persona_scope(
        self, props: StudioProps, domain_id: str, placement: NetworkPlacement, store: DataStore
    ) -> PersonaScope:
        return PersonaScope(
            stack=self,
            platform=props.platform,
            feature_store=props.feature_store,
            domain_id=domain_id,
            raw_data=store.bucket_names["raw-data"],
            processed_data=store.bucket_names["processed-data"],
            model_artifacts=store.bucket_names["model-artifacts"],
            data_key=store.data_key,
            artifacts_key=store.artifacts_key,
            model_build_role_arns=[
                self.format_arn(
                    service="iam",
                    region="",
                    resource="role",
                    resource_name=naming.model_build_role(props.platform, "*"),
                )
            ],
            vpc_arn=placement.vpc_arn,
            audit_records=naming.bucket(props.platform, "audit-records", self.account),
        )
