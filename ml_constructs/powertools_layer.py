"""Powertools for AWS Lambda (Python), vendored into a layer from the pinned, installed package.

A layer ARN looked up at deploy time (AWS's public SSM parameter per release) can be missing: AWS has
published it late before. This layer is built at synth instead, offline and without Docker, by CDK
local bundling: it copies the installed distributions' files (as their RECORD lists them, without
bytecode or installer metadata) under `python/`, where Lambda puts a layer on the import path. The
asset hash is the files' own digest, so every synth of the same pins yields the same asset.
Powertools requires jmespath and typing-extensions; the Python runtimes ship the AWS SDK, whose
botocore brings jmespath, but not typing-extensions, so the layer holds Powertools and typing-extensions.
https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths
https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html
"""

from __future__ import annotations

import hashlib
import shutil
from functools import cache
from importlib import metadata
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

POWERTOOLS_VERSION = "3.37.0"  # = aws-lambda-powertools in requirements.in
VENDORED = ("aws-lambda-powertools", "typing-extensions")
PROVIDED_BY_THE_RUNTIME = ("jmespath",)  # botocore's dependency, in every Lambda Python runtime
_KEPT_METADATA = ("METADATA", "licenses")  # enough for importlib.metadata and the licences


def _kept(path: metadata.PackagePath) -> bool:
    parts = path.parts
    if parts[0] == ".." or "__pycache__" in parts or path.suffix == ".pyc":
        return False
    return not parts[0].endswith(".dist-info") or parts[1] in _KEPT_METADATA


@cache
def vendored_files() -> tuple[tuple[str, Path], ...]:
    """(path in the layer, installed file) for every vendored file, sorted; fails on a pin mismatch."""
    installed = metadata.version("aws-lambda-powertools")
    if installed != POWERTOOLS_VERSION:
        raise RuntimeError(
            f"aws-lambda-powertools {installed} is installed but the layer pins {POWERTOOLS_VERSION}; "
            "install requirements.txt (make test does) or update POWERTOOLS_VERSION with requirements.in"
        )
    files = []
    for name in VENDORED:
        distribution = metadata.distribution(name)
        files += [
            (f"python/{path.as_posix()}", Path(str(distribution.locate_file(path))))
            for path in distribution.files or ()
            if _kept(path)
        ]
    return tuple(sorted(files))


def _digest(files: tuple[tuple[str, Path], ...]) -> str:
    digest = hashlib.sha256()
    for target, source in files:
        digest.update(target.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


@jsii.implements(ILocalBundling)
class _CopyInstalledFiles:
    def __init__(self, files: tuple[tuple[str, Path], ...]) -> None:
        self._files = files

    def try_bundle(self, output_dir: str, options: BundlingOptions) -> bool:
        for target, source in self._files:
            destination = Path(output_dir, target)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        return True


def powertools_layer(scope: Construct, runtime: lambda_.Runtime) -> lambda_.ILayerVersion:
    """The stack's one Powertools layer for `runtime` (created on first use)."""
    stack, layer_id = Stack.of(scope), f"Powertools-{runtime.name}"
    existing = stack.node.try_find_child(layer_id)
    if isinstance(existing, lambda_.LayerVersion):
        return existing
    files = vendored_files()
    return lambda_.LayerVersion(
        stack,
        layer_id,
        description=f"Powertools for AWS Lambda (Python) {POWERTOOLS_VERSION}, vendored from the pinned package",
        compatible_runtimes=[runtime],
        code=lambda_.Code.from_asset(
            # the installed package; with a custom hash CDK never fingerprints it, the bundler copies `files`
            str(metadata.distribution("aws-lambda-powertools").locate_file("aws_lambda_powertools")),
            asset_hash=_digest(files),
            bundling=BundlingOptions(
                image=DockerImage.from_registry("unused-local-bundling-always-succeeds"),
                local=_CopyInstalledFiles(files),
            ),
        ),
    )
