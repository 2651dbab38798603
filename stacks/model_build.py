"""One project's model-build pipeline in dev: a stack per project keeps every stack small at any count."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from ml_constructs.approval_guard import ApprovalGuard
from ml_constructs.model_build_pipeline import ModelBuildPipeline, ModelBuildProps
from ml_constructs.platform_storage import DataStore
from ml_constructs.platform_vpc import NetworkPlacement


class ModelBuildStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: ModelBuildProps,
        store: DataStore,
        placement: NetworkPlacement,
        boundary: iam.IManagedPolicy,
        approval_guard: ApprovalGuard,
    ) -> None:
        super().__init__(
            scope, construct_id, description=f"SageMaker model-build pipeline of {props.project} (dev)"
        )
        self.pipeline = ModelBuildPipeline(
            self,
            "ModelBuild",
            props=props,
            store=store,
            placement=placement,
            boundary=boundary,
            approval_guard=approval_guard,
        ).pipeline
