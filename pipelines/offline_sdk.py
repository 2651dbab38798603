"""Lets the SageMaker SDK (3.27) generate a pipeline definition offline, deterministically and fast.

Import this module before anything from `sagemaker`, which reads the environment when imported:

- a region: importing the SDK fails without one (nothing in our definition depends on it);
- no IAM role validation: ModelTrainer otherwise asks IAM about the role;
- the SDK config file beside this module: telemetry off, and no machine's own SDK defaults
  (subnets, KMS keys, tags) in a definition that must be the same everywhere.

Two SDK inefficiencies are cached away, as neither changes a result: the SDK validates its config
against the JSON schema on every config lookup (~0.5 s each, some 60 lookups per build), and builds
a new botocore endpoint resolver for every image URI (~0.1 s each, 80 per container_images.json).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["SAGEMAKER_VALIDATE_ROLE"] = "false"
os.environ["SAGEMAKER_ADMIN_CONFIG_OVERRIDE"] = str(Path(__file__).with_name("sagemaker_config.yaml"))
os.environ["SAGEMAKER_USER_CONFIG_OVERRIDE"] = str(Path(__file__).with_name("sagemaker_config.yaml"))

from sagemaker.core import common_utils
from sagemaker.core.config import config
from sagemaker.core.config.config_manager import SageMakerConfig
from sagemaker.core.workflow.pipeline_context import PipelineSession

# Every S3 path in our definition comes from a parameter; a path the SDK invented would name this.
UNUSED_DEFAULT_BUCKET = "sdk-default-bucket-must-not-appear"

_validate = config.validate_sagemaker_config


@functools.cache
def _validate_json(config_json: str) -> None:
    _validate(json.loads(config_json))


def _validate_once(sagemaker_config: dict | None = None) -> None:
    _validate_json(json.dumps(sagemaker_config, sort_keys=True))


config.validate_sagemaker_config = _validate_once
SageMakerConfig.validate_sagemaker_config = staticmethod(_validate_once)
common_utils._botocore_resolver = functools.cache(common_utils._botocore_resolver)


def pipeline_session() -> PipelineSession:
    """A session that records job requests instead of sending them, and never looks up its bucket."""
    session = PipelineSession()
    session._default_bucket = UNUSED_DEFAULT_BUCKET
    return session
