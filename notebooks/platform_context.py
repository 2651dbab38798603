"""What every starter notebook reads first: the platform's names (`context.json`, written beside it
by the Studio lifecycle configuration) and the SageMaker SDK defaults file it wrote too.

Runs in Studio (SageMaker Distribution) and in the repository's tests; it needs only the SDK.
"""

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


def trainer_defaults() -> dict:
    """ModelTrainer's compute, output and tags, from the SDK defaults file.

    sagemaker 3.27's ModelTrainer fills `compute` and `output_data_config` with its own defaults
    before it looks at the file's (so the volume key and the output key would be lost), and reads
    the file's training-job tags without the session that holds them: these three come from here.
    """
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.shapes import Tag
    from sagemaker.core.training.configs import Compute, OutputDataConfig

    config = Session().sagemaker_config["SageMaker"]
    trainer = config["PythonSDK"]["Modules"]["ModelTrainer"]
    return {
        "compute": Compute(**trainer["compute"]),
        "output_data_config": OutputDataConfig(**trainer["outputDataConfig"]),
        "tags": [Tag(key=tag["Key"], value=tag["Value"]) for tag in config["TrainingJob"]["Tags"]],
    }
