"""The dev end of the feedback loop: prod's Model Monitor violations arrive on a dev event bus, and
each project's rule starts its model-build pipeline (retrain_on_drift) or notifies people."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from compliance.wildcards import acknowledge_scoped_wildcards
from ml_constructs.model_monitor import VIOLATIONS
from ml_constructs.notification_topic import NotificationTopic
from platform_config import PlatformConfig, naming


class RetrainingLoop(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PlatformConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        platform = config.platform.name
        prod = config.accounts.prod
        self.bus = events.EventBus(self, "Bus", event_bus_name=naming.monitoring_bus(platform))
        # Only the prod account may put findings here, and only Model Monitor's processing-job events.
        self.bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="ProdModelMonitorFindings",
                principals=[iam.AccountPrincipal(prod.account_id)],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                conditions={"StringEquals": {"events:source": "aws.sagemaker"}},
            )
        )
        self.alerts = NotificationTopic(
            self,
            "Alerts",
            display_name=f"{platform} model drift",
            emails=config.platform.alert_emails,
            publishing_services=("events.amazonaws.com",),
        )
        starter = iam.Role(self, "StartPipelinesRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        retrained = [p for p in config.projects if p.monitoring.retrain_on_drift]
        pipeline_arns = {
            p.name: stack.format_arn(
                service="sagemaker", resource="pipeline", resource_name=naming.model_build_pipeline(platform, p.name)
            )
            for p in config.projects
        }
        if retrained:
            # Rules target only the projects that retrain; the role may start any model-build
            # pipeline of the platform, so its policy stays one line at any project count.
            policy = iam.ManagedPolicy(
                self,
                "StartPipelinesPolicy",
                description="Start the platform's model-build pipelines (for projects that retrain on drift)",
                statements=[
                    iam.PolicyStatement(
                        actions=["sagemaker:StartPipelineExecution"],
                        resources=[
                            stack.format_arn(
                                service="sagemaker",
                                resource="pipeline",
                                resource_name=naming.model_build_pipeline(platform, "*"),
                            )
                        ],
                    )
                ],
                roles=[starter],
            )
            acknowledge_scoped_wildcards(policy, "The platform's model-build pipelines only, by their name pattern.")
        for project in config.projects:
            schedules = [
                f"arn:{stack.partition}:sagemaker:{prod.region}:{prod.account_id}:monitoring-schedule/"
                + naming.monitoring_schedule(platform, project.name, kind)
                for kind in ("data-quality", "model-quality")
            ]
            pattern = {
                "source": ["aws.sagemaker"],
                "detail-type": ["SageMaker Processing Job State Change"],
                "detail": {"MonitoringScheduleArn": schedules, **VIOLATIONS},
            }
            notify = events.CfnRule.TargetProperty(id="Notify", arn=self.alerts.topic.topic_arn)
            retrain = events.CfnRule.TargetProperty(
                id="Retrain",
                arn=pipeline_arns[project.name],
                role_arn=starter.role_arn,
                sage_maker_pipeline_parameters=events.CfnRule.SageMakerPipelineParametersProperty(
                    pipeline_parameter_list=[]
                ),
            )
            events.CfnRule(
                self,
                f"{project.name.title().replace('-', '')}Drift",
                description=f"Prod drift of {project.name}: "
                + ("retrain and notify" if project.monitoring.retrain_on_drift else "notify"),
                event_bus_name=self.bus.event_bus_name,
                event_pattern=pattern,
                targets=[notify, retrain] if project.monitoring.retrain_on_drift else [notify],
            )
