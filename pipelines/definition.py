"""The committed model-build pipeline definition, filled in for one project at synth time.

The CDK app imports this module, so it reads JSON only: importing the SageMaker SDK (or boto3)
would add seconds to every synth. `python -m pipelines.model_build` writes the JSON it reads.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from platform_config.regions import CONTAINER_IMAGES_FILE

DEFINITION_FILE = Path(__file__).with_name("model_build.definition.json")
SCRIPTS = Path(__file__).with_name("scripts")
SAMPLE_DATA = Path(__file__).with_name("data")
IMAGES_FILE = CONTAINER_IMAGES_FILE  # written by `python -m pipelines.model_build`

PARAMETER_NAMES = (
    "InputDataUri",
    "ProcessedDataUri",
    "ArtifactsUri",
    "CodeUri",
    "PiiColumns",
    "ModelPackageGroupName",
    "QualityMetric",
    "QualityThreshold",
    "ProcessingInstanceType",
    "TrainingInstanceType",
    "InferenceInstanceType",
    "ProcessingImageUri",
    "TrainingImageUri",
    "MonitorImageUri",
    "DataKmsKeyArn",
    "ArtifactsKmsKeyArn",
    "CodeVersion",  # pipelines/model_card.py: the commit, and the model card's two configured sections
    "ModelCardIntendedUses",
    "ModelCardPiiColumns",
)
# What no pipeline parameter can hold: the jobs' execution role and their VPC subnets and security
# groups (each of these two a one-element list in the JSON, replaced by the whole list).
PLACEHOLDERS = ("__RoleArn__", "__SecurityGroupIds__", "__SubnetIds__")

_PLACEHOLDER = re.compile(r"__[A-Za-z][A-Za-z0-9]*__")


class DefinitionError(KeyError):
    """A parameter, placeholder or region the definition does not have, or one left unset."""

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _committed(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def render(*, parameters: dict[str, Any], placeholders: dict[str, Any]) -> dict:
    """The definition with every parameter's default set and every placeholder substituted.

    Values are used as given, so CDK tokens work: a placeholder string becomes its value, and a
    list holding only a placeholder whose value is a list becomes that list.
    """
    _check_names("parameter", given=parameters, known=PARAMETER_NAMES)
    _check_names("placeholder", given=placeholders, known=PLACEHOLDERS)
    definition = _substitute(_committed(DEFINITION_FILE), placeholders)  # a new tree: the cache stays
    for parameter in definition["Parameters"]:
        parameter["DefaultValue"] = parameters[parameter["Name"]]
    return definition


def _check_names(kind: str, *, given: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(given) - set(known))
    missing = sorted(set(known) - set(given))
    if unknown:
        raise DefinitionError(f"unknown {kind}(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if missing:
        raise DefinitionError(f"no value for {kind}(s) {', '.join(missing)}; every one needs a value")


def _substitute(node: Any, placeholders: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {key: _substitute(value, placeholders) for key, value in node.items()}
    if isinstance(node, list):
        if len(node) == 1 and isinstance(node[0], str) and isinstance(placeholders.get(node[0]), list):
            return placeholders[node[0]]
        return [_substitute(item, placeholders) for item in node]
    if isinstance(node, str) and _PLACEHOLDER.search(node):
        if node not in placeholders:
            raise DefinitionError(f"placeholder left in the definition: {node!r}; fix: give it a value")
        return placeholders[node]
    return node


def container_images(region: str) -> dict[str, str]:
    """The image parameters' values in `region`: ProcessingImageUri, TrainingImageUri, MonitorImageUri."""
    images = _committed(IMAGES_FILE)
    if region not in images:
        raise DefinitionError(
            f"no container images for region {region!r}: the SageMaker SDK's image data has the "
            f"scikit-learn, XGBoost and Model Monitor images together only in {', '.join(images)}"
        )
    return dict(images[region])


def code_version() -> str:
    """The version of what the pipeline runs: a digest of its definition and scripts, recorded as the
    pipeline's `code-version` tag for lineage (synthesis reads no git, so no commit id)."""
    digest = hashlib.sha256()
    for path in [DEFINITION_FILE, *sorted(SCRIPTS.glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"sha256:{digest.hexdigest()[:16]}"
