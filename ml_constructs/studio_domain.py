"""SageMaker Studio in dev: a VpcOnly domain with IAM authentication, home directories encrypted with
the data key, small notebooks that shut down when idle, and a user profile per person running as
their persona's role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ml_constructs.platform_vpc import NetworkPlacement

MIN_IDLE_TIMEOUT_MINUTES = 60  # what SageMaker accepts


@dataclass(frozen=True)
class Notebooks:
    instance_type: str
    idle_timeout_minutes: int


@dataclass(frozen=True)
class UserProfile:
    name: str
    persona: str
    role: iam.IRole
    lifecycle_config_arn: str  # the persona's JupyterLab lifecycle configuration (SDK defaults, starter)


class StudioDomain(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        placement: NetworkPlacement,
        key: kms.IKey,
        default_role: iam.IRole,
        notebooks: Notebooks,
    ) -> None:
        """`default_role`: what shared spaces and a profile without its own role run as."""
        super().__init__(scope, construct_id)
        security_groups = placement.security_group_ids
        self.domain = sagemaker.CfnDomain(
            self,
            "Default",  # the domain is this construct's resource: its logical id is the construct's
            domain_name=name,
            auth_mode="IAM",
            app_network_access_type="VpcOnly",
            vpc_id=placement.vpc_id,
            subnet_ids=placement.subnet_ids,
            kms_key_id=key.key_arn,
            tag_propagation="ENABLED",
            default_user_settings=sagemaker.CfnDomain.UserSettingsProperty(
                # Every profile names its persona's role; the default grants Studio basics only.
                execution_role=default_role.role_arn,
                security_groups=security_groups,
                studio_web_portal="ENABLED",
                default_landing_uri="studio::",
                jupyter_lab_app_settings=_jupyter_lab(notebooks),
            ),
            default_space_settings=sagemaker.CfnDomain.DefaultSpaceSettingsProperty(
                execution_role=default_role.role_arn, security_groups=security_groups
            ),
        )
        self.domain_id = self.domain.attr_domain_id
        self._security_groups = security_groups
        self._notebooks = notebooks

    def add_profiles(self, profiles: Sequence[UserProfile]) -> None:
        """One user profile per person, running as their persona's role, tagged with the persona."""
        for profile in profiles:
            sagemaker.CfnUserProfile(
                self,
                f"Profile{profile.name.title().replace('-', '')}",
                domain_id=self.domain_id,
                user_profile_name=profile.name,
                user_settings=sagemaker.CfnUserProfile.UserSettingsProperty(
                    execution_role=profile.role.role_arn,
                    security_groups=self._security_groups,
                    # The persona's lifecycle configuration: the default of every space of the profile.
                    jupyter_lab_app_settings=_profile_jupyter_lab(
                        self._notebooks, profile.lifecycle_config_arn
                    ),
                ),
                tags=[{"key": "persona", "value": profile.persona}],
            )


def _jupyter_lab(notebooks: Notebooks) -> sagemaker.CfnDomain.JupyterLabAppSettingsProperty:
    return sagemaker.CfnDomain.JupyterLabAppSettingsProperty(
        default_resource_spec=sagemaker.CfnDomain.ResourceSpecProperty(instance_type=notebooks.instance_type),
        app_lifecycle_management=sagemaker.CfnDomain.AppLifecycleManagementProperty(
            idle_settings=sagemaker.CfnDomain.IdleSettingsProperty(
                lifecycle_management="ENABLED",
                idle_timeout_in_minutes=notebooks.idle_timeout_minutes,
                min_idle_timeout_in_minutes=MIN_IDLE_TIMEOUT_MINUTES,
                max_idle_timeout_in_minutes=notebooks.idle_timeout_minutes,
            )
        ),
    )


def _profile_jupyter_lab(
    notebooks: Notebooks, lifecycle_config_arn: str
) -> sagemaker.CfnUserProfile.JupyterLabAppSettingsProperty:
    """The profile's default instance and lifecycle configuration (which must also be listed to be
    allowed); idle shutdown is the domain's, which a profile's settings have no field for."""
    return sagemaker.CfnUserProfile.JupyterLabAppSettingsProperty(
        default_resource_spec=sagemaker.CfnUserProfile.ResourceSpecProperty(
            instance_type=notebooks.instance_type, lifecycle_config_arn=lifecycle_config_arn
        ),
        lifecycle_config_arns=[lifecycle_config_arn],
    )
