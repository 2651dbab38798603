"""Physical names shared by the stacks that create resources and the tools that find them.

One place, so that the CDK app, the Lambda handlers and the command-line tool cannot drift apart.
Every name carries the platform name, so two platforms (or a trial in one account) never collide.
"""

from __future__ import annotations


def model_build_pipeline(platform: str, project: str) -> str:
    """The SageMaker Pipeline that turns a project's data into a registered model version."""
    return f"{platform}-{project}-model-build"


def promotion_pipeline(platform: str, project: str) -> str:
    """The CodePipeline that carries a project's approved model package to test and prod."""
    return f"{platform}-{project}-promotion"


def audit_table(platform: str) -> str:
    """The DynamoDB table recording every approval decision and promotion gate answer."""
    return f"{platform}-promotion-audit"


def endpoint(platform: str, project: str, role: str) -> str:
    """The SageMaker endpoint serving a project's model in the test or prod account."""
    return f"{platform}-{project}-{role}"
