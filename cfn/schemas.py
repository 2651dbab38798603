"""What CloudFormation cannot change in place, per resource type: read from the provider schemas that
cfn-lint bundles (`providers/<region>.json` maps a type to `resources/<id>.json`).

Only the schema files of the types asked for are read, each once per process: the check runs on every
synthesis. cfn-lint itself is not imported (that alone costs about 0.3 s).
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DEFAULT_REGION = "us-east-1"  # for environment-agnostic stacks: the region with the most types
_CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"  # what every `Custom::<Name>` is
_WORD = re.compile(r"[A-Z][a-z0-9]*")


@dataclass(frozen=True)
class ResourceSchema:
    type_name: str
    # Property paths CloudFormation replaces the resource for, e.g. ("DataQualityBaselineConfig",);
    # includes the tag property when tags can only be set at creation.
    create_only: tuple[tuple[str, ...], ...]
    # The create-only properties that name the resource itself (`EndpointName` of an endpoint, not
    # the `EndpointName` a job definition watches). Set to a fixed value, the resource cannot be replaced.
    name_properties: tuple[str, ...]


def resource_schema(type_name: str, region: str | None) -> ResourceSchema | None:
    """None for a type the bundled schemas do not know (a third-party type, or one newer than cfn-lint)."""
    return _schema(type_name, region or DEFAULT_REGION)


@cache
def _schema(type_name: str, region: str) -> ResourceSchema | None:
    registered = _CUSTOM_RESOURCE if type_name.startswith("Custom::") else type_name
    file_id = _provider_types(region).get(registered)
    if file_id is None:
        return None
    return _parse(type_name, _schema_file(file_id))


def _parse(type_name: str, schema: dict) -> ResourceSchema:
    paths = [_path(pointer) for pointer in schema.get("createOnlyProperties", [])]
    tagging = schema.get("tagging", {})
    tag_pointer = tagging.get("tagProperty", "/properties/Tags")
    if tagging.get("taggable", True) and not tagging.get("tagUpdatable", True):
        paths.append(_path(tag_pointer))
    read_only = {_path(pointer) for pointer in schema.get("readOnlyProperties", [])}
    own_words = _WORD.findall(type_name.rsplit("::", 1)[-1])
    suffixes = {"".join(own_words[i:]) for i in range(len(own_words))} | {""}
    # A single-property identifier is the resource's own (an alarm's AlarmName); in a composite one
    # the other parts name its parent (a log group's LogGroupName in a metric filter's identifier).
    identifier = schema.get("primaryIdentifier", [])
    identifiers = {_path(identifier[0])} if len(identifier) == 1 else set()
    names = tuple(
        path[0]
        for path in dict.fromkeys(paths)
        if len(path) == 1
        and path not in read_only
        and path[0].endswith("Name")
        and (path in identifiers or path[0] in suffixes or path[0][: -len("Name")] in suffixes)
    )
    return ResourceSchema(type_name, tuple(dict.fromkeys(paths)), names)


def _path(pointer: str) -> tuple[str, ...]:
    """`/properties/A/B` -> ("A", "B")."""
    return tuple(pointer.split("/")[2:])


@cache
def _provider_types(region: str) -> dict[str, str]:
    path = _schemas_dir() / "providers" / f"{region}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@cache
def _schema_file(file_id: str) -> dict:
    return json.loads((_schemas_dir() / "resources" / f"{file_id}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _schemas_dir() -> Path:
    spec = importlib.util.find_spec("cfnlint")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed: its bundled provider schemas are needed")
    return Path(spec.submodule_search_locations[0]) / "data" / "schemas"
