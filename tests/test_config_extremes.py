"""Config at its extremes: every bounded value at its minimum and at its maximum synthesizes with every
check and lints clean, and no config bound is wider than the CloudFormation schema of the property it
becomes (issue 9: `bake_minutes` accepted up to 180 while CloudFormation caps both waits at 3600 s)."""

from __future__ import annotations

import math
import tomllib
import typing
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from cfn.schemas import _provider_types, _schema_file
from platform_config import load_config, schema
from platform_config.schema import Budget, Monitoring, PlatformConfig, ProdServing, Studio
from tests.conftest import EXAMPLE_CONFIG, normalised
from tooling.lint import lint_stacks
from tooling.synth import synthesize


@dataclass(frozen=True)
class Bounds:
    low: float
    high: float
    low_open: bool = False  # `gt` rather than `ge`
    high_open: bool = False  # `lt` rather than `le`

    def contains(self, other: Bounds, scale: float) -> bool:
        return self.low <= other.low * scale and other.high * scale <= self.high


def config_bounds(model: type[BaseModel], field: str) -> Bounds:
    """A numeric field's bounds as the config schema declares them (unbounded sides are infinite)."""
    info = model.model_fields[field]
    annotation = info.annotation
    if typing.get_origin(annotation) is tuple:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        return Bounds(min(choices), max(choices))
    metadata = [*info.metadata, *getattr(annotation, "__metadata__", ())]
    for nested in list(metadata):
        metadata += getattr(nested, "metadata", [])
    low, high, low_open, high_open = -math.inf, math.inf, False, False
    for item in metadata:
        if isinstance(item, Ge):
            low = item.ge
        elif isinstance(item, Gt):
            low, low_open = item.gt, True
        elif isinstance(item, Le):
            high = item.le
        elif isinstance(item, Lt):
            high, high_open = item.lt, True
    return Bounds(low, high, low_open, high_open)


def schema_bounds(resource_type: str, path: str) -> Bounds:
    """The minimum and maximum the CloudFormation provider schema (as cfn-lint bundles it) allows."""
    root = _schema_file(_provider_types("eu-west-1")[resource_type])

    def deref(node: dict) -> dict:
        while "$ref" in node:
            target = root
            for key in node["$ref"].lstrip("#/").split("/"):
                target = target[key]
            node = target
        return deref(node["items"]) if "items" in node else node

    node: dict = {"properties": root["properties"]}
    for key in path.split("."):
        node = deref(deref(node)["properties"][key])
    return Bounds(node.get("minimum", -math.inf), node.get("maximum", math.inf))


# Each bounded config value, the CloudFormation property it becomes, and the factor between them.
BECOMES = [
    (
        Studio,
        "idle_timeout_minutes",
        "AWS::SageMaker::Domain",
        "DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes",
        1,
    ),
    (
        schema.TestServing,
        "memory_mb",
        "AWS::SageMaker::EndpointConfig",
        "ProductionVariants.ServerlessConfig.MemorySizeInMB",
        1,
    ),
    (
        schema.TestServing,
        "max_concurrency",
        "AWS::SageMaker::EndpointConfig",
        "ProductionVariants.ServerlessConfig.MaxConcurrency",
        1,
    ),
    (
        schema.TestServing,
        "instance_count",
        "AWS::SageMaker::EndpointConfig",
        "ProductionVariants.InitialInstanceCount",
        1,
    ),
    (
        ProdServing,
        "min_instances",
        "AWS::SageMaker::EndpointConfig",
        "ProductionVariants.InitialInstanceCount",
        1,
    ),
    (
        ProdServing,
        "data_capture_percent",
        "AWS::SageMaker::EndpointConfig",
        "DataCaptureConfig.InitialSamplingPercentage",
        1,
    ),
    (
        ProdServing,
        "canary_percent",
        "AWS::SageMaker::Endpoint",
        "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Value",
        1,
    ),
    (
        ProdServing,
        "bake_minutes",
        "AWS::SageMaker::Endpoint",
        "DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds",
        60,
    ),
    (
        ProdServing,
        "bake_minutes",
        "AWS::SageMaker::Endpoint",
        "DeploymentConfig.BlueGreenUpdatePolicy.TerminationWaitInSeconds",
        60,
    ),
    (
        Budget,
        "actual_alert_percents",
        "AWS::Budgets::Budget",
        "NotificationsWithSubscribers.Notification.Threshold",
        1,
    ),
    (
        Budget,
        "forecast_alert_percent",
        "AWS::Budgets::Budget",
        "NotificationsWithSubscribers.Notification.Threshold",
        1,
    ),
]


@pytest.mark.parametrize(
    ("model", "field", "resource_type", "path", "scale"), BECOMES, ids=lambda v: getattr(v, "__name__", v)
)
def test_no_config_bound_is_wider_than_the_cloudformation_schema(model, field, resource_type, path, scale):
    allowed, accepted = schema_bounds(resource_type, path), config_bounds(model, field)
    assert allowed.contains(accepted, scale), (
        f"{model.__name__}.{field} accepts {accepted.low}..{accepted.high} (x{scale}), "
        f"{resource_type} {path} only {allowed.low}..{allowed.high}"
    )


def test_a_bound_wider_than_the_schema_is_caught():
    """The negative control: the defect this guard was written for."""
    assert not schema_bounds(*BECOMES[7][2:4]).contains(Bounds(1, 180), 60)  # bake_minutes le=180


# --- synthesis at the extremes --------------------------------------------------------------------

# Models whose bounded fields the extremes exercise, and where they live in the TOML.
SECTIONS = {"studio": Studio}
PROJECT_SECTIONS = {"test_serving": schema.TestServing, "prod_serving": ProdServing, "monitoring": Monitoring}


def _numeric_fields(model: type[BaseModel]) -> dict[str, Bounds]:
    fields = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = typing.get_args(annotation)[0] if typing.get_origin(annotation) is tuple else annotation
        if (
            typing.get_origin(inner) is Literal
            or inner in (int, float)
            or typing.get_origin(inner) is typing.Annotated
        ):
            bounds = config_bounds(model, name)
            if math.isfinite(bounds.low) or math.isfinite(bounds.high):
                fields[name] = bounds
    return fields


def _extreme(bounds: Bounds, end: str, integer: bool) -> float | None:
    if end == "min":
        value = bounds.low + (0.01 if bounds.low_open else 0)
    elif math.isfinite(bounds.high):
        value = bounds.high - (0.01 if bounds.high_open else 0)
    else:
        return None  # no maximum: the default stands
    return int(value) if integer else value


def _set_extremes(section: dict, model: type[BaseModel], end: str) -> None:
    for name, bounds in _numeric_fields(model).items():
        default = model.model_fields[name].default
        integer = isinstance(default, int) or (
            isinstance(default, tuple) and all(isinstance(v, int) for v in default)
        )
        value = _extreme(bounds, end, integer)
        if value is not None:
            section[name] = (value,) if isinstance(default, tuple) else value


def extreme_config(end: str) -> dict[str, Any]:
    raw = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    for key, model in SECTIONS.items():
        _set_extremes(raw.setdefault(key, {}), model, end)
    for account in raw["accounts"].values():
        _set_extremes(account["budget"], Budget, end)
    for project in raw["projects"]:
        for key, model in PROJECT_SECTIONS.items():
            _set_extremes(project.setdefault(key, {}), model, end)
        if end == "min":  # max_instances may not be below min_instances
            project["prod_serving"]["max_instances"] = project["prod_serving"]["min_instances"]
        # Both shapes of the test endpoint: serverless at the minimum, instances at the maximum.
        project["test_serving"]["serverless"] = serverless = end == "min"
        # A setting of the other shape is refused: it would never reach the template.
        for key in schema.INSTANCE_SETTINGS if serverless else schema.SERVERLESS_SETTINGS:
            project["test_serving"].pop(key, None)
    return raw


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def write_config(raw: dict[str, Any], path) -> PlatformConfig:
    lines = []
    for key, value in raw.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines += [f"[[{key}]]", *(f"{k} = {_toml(v)}" for k, v in item.items())]
        elif isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{k} = {_toml(v)}" for k, v in value.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize("end", ["min", "max"])
def test_every_bounded_value_at_its_extreme_synthesizes_and_lints_clean(end, tmp_path, synthesized):
    config = write_config(extreme_config(end), tmp_path / f"{end}.toml")
    prod = config.projects[0].prod_serving
    assert prod.bake_minutes == (1 if end == "min" else 60)  # the extremes really are in the config
    stacks = synthesize(config, tmp_path / "cdk.out")  # every check runs; a finding raises
    changed = [  # a stack the example lacks (test's VPC, for an instance-backed test endpoint) is new
        s
        for s in stacks
        if s.path not in synthesized or normalised(s.template) != normalised(synthesized[s.path].template)
    ]
    assert {s.path for s in changed} >= {"prod/Serving-churn", "test/Serving-churn", "dev/Billing"}
    assert lint_stacks(changed) == []
