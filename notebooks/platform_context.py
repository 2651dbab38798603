"""What every starter notebook reads first: the platform's names (`context.json`, beside it) and
the SDK defaults file, both written by the Studio lifecycle configuration."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Studio's VPC has no route to IAM: the SDK's check of the job role (IAM SimulatePrincipalPolicy)
# would only time out. The platform checks its roles' permissions offline instead.
os.environ.setdefault("SAGEMAKER_VALIDATE_ROLE", "false")

HERE = Path(__file__).resolve().parent
CONTEXT = json.loads((HERE / "context.json").read_text(encoding="utf-8"))


def project(name: str | None = None) -> dict:
    """The named project's settings (default: the first project in the config)."""
    projects = CONTEXT["projects"]
    return next(p for p in projects if p["name"] == name) if name else projects[0]


def session():
    """A SageMaker session for Studio's VPC, which has no route to IAM: the SDK's optional IAM
    checks fail at once, not after minutes of connect timeouts, and the SDK goes on without them."""
    import boto3
    from botocore.exceptions import EndpointConnectionError
    from sagemaker.core.helper.session_helper import Session

    def unreachable(**_):
        raise EndpointConnectionError(endpoint_url="https://iam.amazonaws.com")

    boto_session = boto3.Session()
    boto_session.events.register("before-call.iam", unreachable)
    return Session(boto_session=boto_session)


def trainer_defaults() -> dict:
    """ModelTrainer's compute, output and tags, from the SDK defaults file: sagemaker 3.27's
    ModelTrainer sets its own compute and output before it reads the file's (losing the volume and
    output keys), and reads the file's tags without the session that holds them."""
    from sagemaker.core.shapes import Tag
    from sagemaker.core.training.configs import Compute, OutputDataConfig

    config = session().sagemaker_config["SageMaker"]
    trainer = config["PythonSDK"]["Modules"]["ModelTrainer"]
    return {
        "compute": Compute(**trainer["compute"]),
        "output_data_config": OutputDataConfig(**trainer["outputDataConfig"]),
        "tags": [Tag(key=tag["Key"], value=tag["Value"]) for tag in config["TrainingJob"]["Tags"]],
    }
