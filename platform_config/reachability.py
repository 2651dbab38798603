"""Which AWS services each documented workflow calls, and from which VPC.

A VPC without a route out reaches only the services it has endpoints for: a call to any other
times out. This table is the platform's account of what its people and jobs call; the dev VPC's
required interface endpoints are derived from it, and a test checks every synthesized VPC against
it (`tests/test_reachability.py`). Services are named as `ec2.InterfaceVpcEndpointAwsService` names;
`s3` and `dynamodb` are reached through (free) gateway endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AccountRole = Literal["dev", "test", "prod"]
# The kinds of VPC of the platform: dev (Studio and model-build jobs), and test and prod (serving).
Vpc = Literal["dev", "serving"]
GATEWAY_SERVICES = ("s3", "dynamodb")


@dataclass(frozen=True)
class Workflow:
    """Something someone or something does from inside a VPC, and the services it calls there."""

    name: str
    vpc: Vpc
    services: tuple[str, ...]
    source: str  # where AWS documents what it needs (or the code that makes the calls)
    needs_feature_store: bool = False  # only when `studio.feature_store` is on


WORKFLOWS = (
    Workflow(
        "Studio JupyterLab: SageMaker SDK calls (jobs, pipelines, registry, endpoints), its logs",
        "dev",
        ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3"),
        "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
    ),
    Workflow(
        "Promotion CLI from a Studio terminal: pending, approve, reject (registry, metrics in S3)",
        "dev",
        ("sts", "sagemaker.api", "s3"),
        "promotion_cli/registry.py, promotion_cli/metrics.py, operator_cli/aws.py",
    ),
    Workflow(
        "Promotion CLI from a Studio terminal: gate, rollback (CodePipeline), history (DynamoDB)",
        "dev",
        ("sts", "codepipeline", "dynamodb"),
        "promotion_cli/gate.py, promotion_cli/cli.py, promotion_cli/history.py",
    ),
    Workflow(
        "Studio starter notebooks: jobs, experiments, registry, pipelines, the promotion's state and gate",
        "dev",
        ("sagemaker.api", "s3", "sts", "codepipeline"),
        "notebooks/ (tests/test_starter_notebooks.py checks the calls they make)",
    ),
    Workflow(
        "Lineage CLI from a Studio terminal: the registry and its lineage in dev",
        "dev",
        ("sts", "sagemaker.api"),
        "lineage/hops.py, lineage/lookups.py",
    ),
    Workflow(
        "Model-build and persona jobs in the dev VPC: images, data, logs, volume and output keys",
        "dev",
        ("ecr.api", "ecr.dkr", "s3", "logs", "kms", "sts"),
        "https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html, "
        "https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html",
    ),
    Workflow(
        "Model-build SageMaker Clarify jobs: a shadow endpoint of the model, and its predictions",
        "dev",
        ("sagemaker.api", "sagemaker.runtime", "s3", "logs"),
        "https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-vpc.html",
    ),
    Workflow(
        "Feature Store: feature groups and record ingestion from Studio and processing jobs",
        "dev",
        ("sagemaker.api", "sagemaker.featurestore-runtime", "s3"),
        "https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-ingest-data.html",
        needs_feature_store=True,
    ),
    # The VPC needs only the S3 endpoint (host-vpc: "Create an Amazon S3 VPC Endpoint", nothing else):
    # SageMaker pulls an image hosted in ECR itself (ImageConfig: RepositoryAccessMode "Platform"; only
    # "Vpc", a private registry, goes through the VPC), and the isolated containers call nothing.
    Workflow(
        "Endpoints in the VPC with network isolation, and Model Monitor jobs: artifacts, captures, reports",
        "serving",
        ("s3",),
        "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html, "
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ImageConfig.html",
    ),
)


def interface_services(vpc: Vpc, *, feature_store: bool) -> tuple[str, ...]:
    """The interface endpoints the workflows of a VPC need, in the table's order, each once."""
    needed = (
        service
        for workflow in WORKFLOWS
        if workflow.vpc == vpc and (feature_store or not workflow.needs_feature_store)
        for service in workflow.services
        if service not in GATEWAY_SERVICES
    )
    return tuple(dict.fromkeys(needed))


def vpc_of(role: str) -> Vpc:
    """The kind of VPC an account has: dev runs Studio and jobs, test and prod serve."""
    return "dev" if role == "dev" else "serving"
