"""One project's serving in the test or prod account, deployed by the promotion pipeline.

The model package to serve (and, in prod, its registered baselines) are CloudFormation parameters:
the pipeline deploys any approved version with parameter overrides, never re-synthesizing. With no
package given (a plain `cdk deploy`), only the roles exist and nothing costs money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import (
    CfnCondition,
    CfnParameter,
    CfnResource,
    DefaultStackSynthesizer,
    Fn,
    Stack,
    Tags,
)
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from ml_constructs.model_execution_role import ModelExecutionRole, MonitoringData, ServedArtifacts
from ml_constructs.model_monitor import Baselines, ModelMonitor, MonitorProps, RegisteredCheck
from ml_constructs.platform_vpc import NetworkPlacement
from ml_constructs.promotion_check_role import PromotionCheckRole
from ml_constructs.promotion_pipeline.steps.registered_checks import NOT_REGISTERED
from ml_constructs.serving_endpoint import EndpointProps, ServingEndpoint

PACKAGE_ARN_PATTERN = r"^$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[A-Za-z0-9-]+/\d+$"


@dataclass(frozen=True)
class Monitored:
    """Prod's monitoring of the endpoint: what, with which image, and where its data goes."""

    monitor: MonitorProps
    image_uri: str
    clarify_image_uri: str
    data: MonitoringData
    unset_baselines_uri: str  # the baselines' defaults: files that do not exist (monitoring fails loudly)


@dataclass(frozen=True)
class ServingProps:
    project: str
    account_role: str  # "test" or "prod"
    endpoint: EndpointProps
    model_role_name: str
    artifacts: ServedArtifacts
    check_role_name: str
    steps_role_arn: str  # the promotion pipeline's steps role in dev, which the check role trusts
    acceptance_tested: bool  # the promotion's acceptance test calls this endpoint (test)
    monitored: Monitored | None  # prod only


def _only_with_model(
    scope: Construct, condition: CfnCondition, *, own: Sequence[tuple[CfnResource, CfnCondition]] = ()
) -> None:
    """Puts every CloudFormation resource under `scope` behind the `HasModel` condition, but those in
    `own`, which keep a condition of their own (a check the served version may lack) that includes it.

    One jsii call per resource, a raw override of its `Condition` (the last override of a key wins, so
    `own` is applied after), where an aspect is a call from Node.js into Python for every construct at
    synthesis and a read of each resource's condition is two more. The constructs under it add no
    resources later; the snapshots would show one that escaped.
    """
    stack = Stack.of(scope)
    logical_id = stack.resolve(condition.logical_id)
    for node in scope.node.find_all():
        if isinstance(node, CfnResource):
            node.add_override("Condition", logical_id)
    for resource, its_own in own:
        resource.add_override("Condition", stack.resolve(its_own.logical_id))


class ServingStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: ServingProps,
        placement: NetworkPlacement | None,
        key: kms.IKey,
        alerts: sns.ITopic,
    ) -> None:
        # No bootstrap-version rule: the promotion pipeline deploys this template on its own.
        super().__init__(
            scope,
            construct_id,
            description=f"Serving of the {props.project} model ({props.account_role})",
            synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
        )
        package_arn, package_version, self.has_model = self._parameters()
        monitored = props.monitored
        self.model_role = ModelExecutionRole(
            self,
            "ModelRole",
            role_name=props.model_role_name,
            project=props.project,
            account_role=props.account_role,
            artifacts=props.artifacts,
            serving_key_arn=key.key_arn,
            vpc_arn=placement.vpc_arn if placement else None,
            monitoring=monitored.data if monitored else None,
        ).role
        self.endpoint = ServingEndpoint(
            self,
            "Serving",
            props=props.endpoint,
            model_package_arn=package_arn,
            role=self.model_role,
            key=key,
            placement=placement,
            alerts=alerts,
        )
        guarded: list[tuple[Construct, Sequence[tuple[CfnResource, CfnCondition]]]] = [(self.endpoint, ())]
        if monitored:
            if placement is None:
                raise ValueError(f"{self.node.path}: Model Monitor runs in the account's VPC, which it lacks")
            self.monitor = self._monitor(monitored, placement, key, alerts)
            guarded.append((self.monitor, self.monitor.conditioned))
        for construct, own in guarded:
            _only_with_model(construct, self.has_model, own=own)
            Tags.of(construct).add("model-package-arn", package_arn)
            Tags.of(construct).add("model-package-version", package_version)
        Tags.of(self).add("ml-project", props.project)
        PromotionCheckRole(
            self,
            "PromotionCheckRole",
            role_name=props.check_role_name,
            description=f"The {props.project} promotion pipeline's checks of the {props.account_role} endpoint",
            steps_role_arn=props.steps_role_arn,
            endpoint_name=props.endpoint.endpoint_name,
            may_invoke=props.acceptance_tested,
        )

    def _parameters(self) -> tuple[str, str, CfnCondition]:
        """What the promotion pipeline gives: the package to serve and its version, and whether one is."""
        package_arn = CfnParameter(
            self,
            "ModelPackageArn",
            description="The approved model package version to serve; empty for none",
            default="",
            allowed_pattern=PACKAGE_ARN_PATTERN,
        ).value_as_string
        package_version = CfnParameter(
            self,
            "ModelPackageVersion",
            description="Its version number, for tags",
            default="none",
            allowed_pattern=r"^(none|\d+)$",
        ).value_as_string
        has_model = CfnCondition(
            self, "HasModel", expression=Fn.condition_not(Fn.condition_equals(package_arn, ""))
        )
        return package_arn, package_version, has_model

    def _registered(
        self, check: str, what: str, unset_uri: str, *, with_config: bool = False
    ) -> RegisteredCheck:
        """The parameters of a check the promotion pipeline passes from the package (`none` when the
        version has none: no monitor); and the condition that the served version registered it. Like
        the data-quality baselines, the defaults name files that do not exist (monitoring fails loudly)."""

        def parameter(name: str, described: str) -> str:
            return CfnParameter(
                self,
                name,
                description=f"The package's registered {described}, or {NOT_REGISTERED}",
                default=f"{unset_uri}/{name}.json",
                allowed_pattern=rf"^({NOT_REGISTERED}|s3://.+)$",
            ).value_as_string

        constraints = parameter(f"{check}ConstraintsUri", what)
        config = parameter(f"{check}ConfigUri", f"{what} analysis configuration") if with_config else ""
        present = CfnCondition(
            self,
            f"Has{check}Baseline",
            expression=Fn.condition_and(
                self.has_model, Fn.condition_not(Fn.condition_equals(constraints, NOT_REGISTERED))
            ),
        )
        return RegisteredCheck(constraints_uri=constraints, present=present, config_uri=config)

    def _monitor(
        self, monitored: Monitored, placement: NetworkPlacement, key: kms.IKey, alerts: sns.ITopic
    ) -> ModelMonitor:
        # Set by the promotion pipeline from the package's drift-check baselines. The defaults name
        # files that do not exist: monitoring without them fails loudly (a failure notification).
        baselines = Baselines(
            statistics_uri=CfnParameter(
                self,
                "BaselineStatisticsUri",
                description="The package's registered data-quality statistics",
                default=f"{monitored.unset_baselines_uri}/statistics.json",
            ).value_as_string,
            constraints_uri=CfnParameter(
                self,
                "BaselineConstraintsUri",
                description="The package's registered data-quality constraints",
                default=f"{monitored.unset_baselines_uri}/constraints.json",
            ).value_as_string,
            model_quality=self._registered(
                "ModelQuality",
                "model-quality constraints (from its evaluation)",
                monitored.unset_baselines_uri,
            ),
            bias=self._registered(
                "Bias",
                "bias constraints (SageMaker Clarify)",
                monitored.unset_baselines_uri,
                with_config=True,
            ),
            explainability=self._registered(
                "Explainability",
                "feature attribution baseline (SageMaker Clarify)",
                monitored.unset_baselines_uri,
                with_config=True,
            ),
        )
        monitor = ModelMonitor(
            self,
            "Monitoring",
            props=monitored.monitor,
            image_uri=monitored.image_uri,
            clarify_image_uri=monitored.clarify_image_uri,
            role=self.model_role,
            key=key,
            placement=placement,
            baselines=baselines,
            alerts=alerts,
        )
        monitor.node.add_dependency(self.endpoint.endpoint)
        return monitor
