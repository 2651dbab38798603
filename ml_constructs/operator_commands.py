"""The operators' commands (`mlp-promote`, `mlp-lineage`) for SageMaker Studio terminals.

The dev VPC has no route to PyPI, but Studio reaches S3 through the gateway endpoint: so the
deployment puts the commands' wheel in the model-artifacts bucket, which the compliance officer, the
MLOps engineer and the data scientist may read, under a prefix no other platform role may change
(`ApprovalGuard`). README, "Operator commands".

The wheel is built at synthesis by the pinned backend (a PEP 517 build, no isolation, offline) and
is the same byte for byte on every run: hatchling builds reproducibly, and the timestamp it writes is
fixed here, whatever SOURCE_DATE_EPOCH a machine sets. So the asset's hash changes only with the code.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from ml_constructs.platform_storage import DataStore
from ml_constructs.upload_on_deploy import Upload, UploadOnDeploy
from platform_config.naming import OPERATOR_COMMANDS_PREFIX

ROOT = Path(__file__).resolve().parent.parent  # the project: pyproject.toml and the commands' packages
WHEEL_TIMESTAMP = "1580601600"  # hatchling's own default, 2020-02-02


def _start_build(project: Path, folder: Path) -> subprocess.Popen[str]:
    build = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"
    return subprocess.Popen(
        [sys.executable, "-c", build, str(folder)],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": WHEEL_TIMESTAMP},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _built(build: subprocess.Popen[str], folder: Path) -> Path:
    stdout, stderr = build.communicate()
    if build.returncode:
        raise subprocess.CalledProcessError(build.returncode, build.args, stdout, stderr)
    return folder / stdout.split()[-1]


def build_wheel(project: Path, folder: Path) -> Path:
    """The project's wheel, built into `folder` by the backend of this Python (PEP 517, no isolation)."""
    return _built(_start_build(project, folder), folder)


@cache
def start_wheel_build() -> tuple[subprocess.Popen[str], Path]:
    """Starts building the commands' wheel, once a process, alone in a folder (the asset): about
    0.1 s in a process of its own, which overlaps building the app when started early."""
    folder = Path(tempfile.mkdtemp(prefix="operator-commands-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return _start_build(ROOT, folder), folder


@cache
def wheel() -> Path:
    """The commands' wheel (built by `start_wheel_build`, if nothing started it yet)."""
    return _built(*start_wheel_build())


class OperatorCommands(Construct):
    """Uploads the wheel on deploy; `uri` is where Studio users copy it from."""

    def __init__(self, scope: Construct, construct_id: str, *, store: DataStore) -> None:
        super().__init__(scope, construct_id)
        built, bucket = wheel(), store.bucket_names["model-artifacts"]
        UploadOnDeploy(
            self,
            "Upload",
            uploads=[
                Upload(
                    "Wheel",
                    s3_deployment.Source.asset(str(built.parent)),
                    store.buckets["model-artifacts"],
                    bucket,
                    store.artifacts_key,
                    OPERATOR_COMMANDS_PREFIX,
                )
            ],
        )
        self.uri = f"s3://{bucket}/{OPERATOR_COMMANDS_PREFIX}/{built.name}"
