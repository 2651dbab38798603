"""Pydantic's own wording never reaches the user: every error type the schema raises from any TOML
value is reworded as the TOML expected and the fix; a misspelt section names what was found and what
was meant; the app stops before synthesis with the one line."""

from __future__ import annotations

import copy
import datetime
import itertools
import tomllib
import typing

import pytest
from pydantic import BaseModel, ValidationError

from platform_config import loader
from platform_config.schema import PlatformConfig
from tests.config_edits import EXAMPLE, edit, refusal, run_app_in_process

# One value of every TOML type, and the edges pydantic treats apart.
SAMPLES = [
    "text", "", 5, 0, -5, 2**62, 1.5, -0.5, float("inf"), float("nan"), True, [], ["x"], [1], {}, {"x": 1},
    datetime.date(2024, 1, 1), "x" * 2049, "not a name!",
]  # fmt: skip
PYDANTIC_WORDING = (
    "Input should",
    "valid tuple",
    "instance of",
    "greater than or equal to",
    "errors.pydantic.dev",
    "String should",
)


def _paths(model: type[BaseModel], prefix: tuple = ()):
    """Every setting's location, sections and their keys (index 0 of arrays of tables)."""
    for name, field in model.model_fields.items():
        location = (*prefix, name)
        yield location
        annotation = field.annotation
        args = typing.get_args(annotation)
        inner = [t for t in (annotation, *args) if isinstance(t, type) and issubclass(t, BaseModel)]
        if inner:
            yield from _paths(
                inner[0], (*location, 0) if typing.get_origin(annotation) is tuple else location
            )


def _set(raw: dict, location: tuple, value) -> dict:
    raw = copy.deepcopy(raw)
    node = raw
    for part, following in itertools.pairwise(location):
        if isinstance(part, int):
            node = node[part]
        else:
            node = node.setdefault(part, [{}] if isinstance(following, int) else {})
    node[location[-1]] = value
    return raw


def provoked_errors() -> dict[str, str]:
    """Every error type pydantic raised for a sample at a location, with the one line it became."""
    raw = tomllib.loads(EXAMPLE)
    found: dict[str, str] = {}
    for location in _paths(PlatformConfig):
        for value in SAMPLES:
            try:
                PlatformConfig.model_validate(_set(raw, location, value))
            except ValidationError as error:
                errors = error.errors()
                for detail in errors:
                    found.setdefault(detail["type"], loader._one_line([detail]))
                found.setdefault(f"first:{errors[0]['type']}", loader._one_line(errors))
    return found


@pytest.fixture(scope="module")
def provoked():
    return provoked_errors()


def test_every_error_type_the_schema_raises_has_a_fix(provoked):
    types = {t for t in provoked if not t.startswith("first:")}
    assert types - {"value_error"} <= set(loader._FIXES)
    assert {"missing", "model_type", "tuple_type", "string_type", "int_parsing", "bool_parsing"} <= types


def test_no_line_carries_pydantics_wording(provoked):
    for kind, line in provoked.items():
        assert "; fix: " in line, (kind, line)
        assert not any(words in line for words in PYDANTIC_WORDING), (kind, line)


def test_every_fix_is_provoked(provoked):
    """No dead entries: each reworded type is one the schema raises."""
    assert set(loader._FIXES) - {"extra_forbidden", "missing"} <= set(provoked)


def test_a_type_without_a_fix_is_caught(monkeypatch, provoked):
    """Negative control: with `tuple_type` unworded, pydantic's 'valid tuple' would show."""
    monkeypatch.setattr(loader, "_FIXES", {k: v for k, v in loader._FIXES.items() if k != "tuple_type"})
    raw = _set(tomllib.loads(EXAMPLE), ("people",), "dana")
    with pytest.raises(ValidationError) as raised:
        PlatformConfig.model_validate(raw)
    assert "valid tuple" in loader._one_line(raised.value.errors())


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "[accounts.dev]",
            "[acounts.dev]",
            "acounts is not a known setting, and accounts.dev is missing; fix: rename acounts to accounts",
        ),
        (
            "[accounts.prod]",
            "[accounts.prd]",
            "accounts.prd is not a known setting, and accounts.prod is missing; fix: rename accounts.prd to",
        ),
        (
            "[[projects]]",
            "[[project]]",
            "project is not a known setting, and projects is missing; fix: rename project to projects",
        ),
        (
            "[platform]",
            "[platfrom]",
            "platfrom is not a known setting, and platform is missing; fix: rename platfrom to platform",
        ),
        (
            "[billing]",
            "[Billing]",
            "Billing is not a known setting, and billing is missing; fix: rename Billing to billing",
        ),
        (
            'account_id = "111111111111"',
            'acount_id = "111111111111"',
            "accounts.dev.acount_id is not a known setting, and accounts.dev.account_id is missing; fix: rename",
        ),
    ],
)
def test_a_misspelt_required_key_names_what_was_found_and_meant(old, new, expected):
    assert refusal(edit(old, new)).startswith(expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "[[projects]]",
            "[projects]",
            "projects must be an array of tables; fix: write each entry as a [[projects]] section",
        ),
        (
            'quality_threshold = { name = "auc", minimum = 0.75 }',
            'quality_threshold = "auc"',
            "projects[0].quality_threshold must be a table of settings; fix:",
        ),
        (
            "feature_store = false",
            'feature_store = "maybe"',
            "studio.feature_store must be true or false; fix:",
        ),
        (
            "min_instances = 2",
            'min_instances = "two"',
            "projects[0].prod_serving.min_instances must be a whole number; fix:",
        ),
        (
            "min_instances = 2",
            "min_instances = 2.5",
            "projects[0].prod_serving.min_instances must be a whole number; fix: drop the decimals",
        ),
        (
            'egress = "vpc-endpoints-only"',
            'egress = "vpc-endpoint-only"',
            "network.dev.egress must be one of",
        ),
        (
            'alert_emails = ["ml-oncall@example.com"]',
            'alert_emails = "ml-oncall@example.com"',
            "platform.alert_emails must be an array; fix:",
        ),
    ],
)
def test_a_value_of_the_wrong_toml_type_names_the_type_and_the_fix(old, new, expected):
    assert refusal(edit(old, new)).startswith(expected)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('"cron(0 * ? * * *)"', '"cron(0 * * * *)"', "projects[0].monitoring.schedule"),
        (
            'prod_serving = { instance_type = "ml.m5.large"',
            'prod_serving = { instance_type = "m5.large"',
            "projects[0].prod_serving.instance_type",
        ),
        ('cidr = "10.20.0.0/16"', 'cidr = "10.20.0.0/24"', "network.cidr"),
        ("[[projects]]", "[[project]]", "project"),
    ],
)
def test_the_app_stops_before_synthesis_with_one_line(tmp_path, old, new, key):
    """In process: tests/test_config.py runs `app.py` itself on a bad config, the same stop."""
    result, outdir = run_app_in_process(tmp_path, edit(old, new))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"config error: {tmp_path / 'bad.toml'}: {key}")
    assert "; fix: " in lines[0]
    assert not outdir.exists() or not any(outdir.iterdir())
