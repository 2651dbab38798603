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
    "ClarifyImageUri",
    "LabelColumn",
    "SensitiveAttributes",
    "FeedbackManifestUri",
    "CodeVersion",  # pipelines/model_card.py: the commit, and the model card's two configured sections
    "ModelCardIntendedUses",
    "ModelCardPiiColumns",
)
# The step a project without sensitive attributes does without (pipelines/clarify.py names it so).
BIAS_STEP = "ModelBias"
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


def render(
    *, parameters: dict[str, Any], placeholders: dict[str, Any], without: tuple[str, ...] = ()
) -> dict:
    """The definition with every parameter's default set and every placeholder substituted, and
    without the steps named in `without` (a project without sensitive attributes: BIAS_STEP).

    Values are used as given, so CDK tokens work: a placeholder string becomes its value, and a
    list holding only a placeholder whose value is a list becomes that list.
    """
    _check_names("parameter", given=parameters, known=PARAMETER_NAMES)
    _check_names("placeholder", given=placeholders, known=PLACEHOLDERS)
    definition = _substitute(_committed(DEFINITION_FILE), placeholders)  # a new tree: the cache stays
    for step in without:
        definition = _without_step(definition, step)
    for parameter in definition["Parameters"]:
        parameter["DefaultValue"] = parameters[parameter["Name"]]
    return definition


# Where a registered version's reports and baselines are attached: entries there reading a dropped step go.
_ATTACHMENTS = ("ModelMetrics", "DriftCheckBaselines")


def _without_step(definition: dict, step: str) -> dict:
    """The definition without the step: not among the steps (nor a condition's), not depended on,
    and nothing attached to the registered version from it. Any other reference to it is an error."""
    known = {s["Name"] for s in _all_steps(definition["Steps"])}
    if step not in known:
        raise DefinitionError(f"no step {step!r} in the definition; known: {', '.join(sorted(known))}")
    pruned = _prune(definition, step)
    if _reads(pruned, step):
        raise DefinitionError(f"step {step!r} is still referenced; fix: drop the reference in pipelines/")
    return pruned


def _all_steps(steps: list) -> list:
    found = []
    for each in steps:
        found.append(each)
        arguments = each.get("Arguments", {})
        found += _all_steps(arguments.get("IfSteps", []) + arguments.get("ElseSteps", []))
    return found


def _reads(node: Any, step: str) -> bool:
    """Whether the tree reads a property of the step (`{"Get": "Steps.<step>...."}`)."""
    if isinstance(node, dict):
        return any(_reads(value, step) for value in node.values())
    if isinstance(node, list):
        return any(_reads(item, step) for item in node)
    return isinstance(node, str) and node.startswith(f"Steps.{step}.")


def _prune(node: Any, step: str, attachments: bool = False) -> Any:
    if isinstance(node, dict):
        return {
            key: [name for name in value if name != step]
            if key == "DependsOn"
            else _prune(value, step, key in _ATTACHMENTS)
            for key, value in node.items()
            if not (attachments and _reads(value, step))
        }
    if isinstance(node, list):
        return [
            _prune(item, step) for item in node if not (isinstance(item, dict) and item.get("Name") == step)
        ]
    return node


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
    """The image parameters' values in `region`: ProcessingImageUri, TrainingImageUri, MonitorImageUri,
    ClarifyImageUri (which prod's bias and explainability monitors run too)."""
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
