"""Instance types: each key accepts the SageMaker instance types of its use, as botocore's API model
and cfn-lint's CloudFormation schemas list them; others are refused at load with close valid ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platform_config import schema
from platform_config.instance_types import INSTANCE_TYPES_FILE, accepted, instance_type_problem
from tests.config_edits import edit, loads, refusal
from tooling.instance_types import instance_types as read_sources
from tooling.instance_types import to_json

# Each key, how to set it in the example, and its use.
KEYS = {
    "studio.default_instance_type": (
        'default_instance_type = "ml.t3.medium"',
        "default_instance_type = {}",
        "studio",
    ),
    "projects[0].training_instance_type": (
        'training_instance_type = "ml.m5.large"',
        "training_instance_type = {}",
        "training",
    ),
    "projects[0].processing_instance_type": (
        'training_instance_type = "ml.m5.large"',
        'training_instance_type = "ml.m5.large"\nprocessing_instance_type = {}',
        "processing",
    ),
    "projects[0].inference_instance_type": (
        'inference_instance_type = "ml.m5.large"',
        "inference_instance_type = {}",
        "inference",
    ),
    "projects[0].monitoring.instance_type": (
        'monitoring = { schedule = "cron(0 * ? * * *)",',
        'monitoring = { instance_type = {}, schedule = "cron(0 * ? * * *)",',
        "processing",
    ),
    "projects[0].test_serving.instance_type": (
        "test_serving = { serverless = true, memory_mb = 2048, max_concurrency = 5 }",
        "test_serving = { serverless = false, instance_type = {} }",
        "hosting",
    ),
    "projects[0].prod_serving.instance_type": (
        'prod_serving = { instance_type = "ml.m5.large",',
        "prod_serving = { instance_type = {},",
        "hosting",
    ),
}


def _with(key: str, value: str) -> str:
    old, new, _ = KEYS[key]
    return edit(old, new.replace("{}", f'"{value}"'))


def test_the_table_is_current_with_botocore_and_cfn_lint():
    """After upgrading either, regenerate with `python -m tooling.instance_types`."""
    assert INSTANCE_TYPES_FILE.read_text(encoding="utf-8") == to_json(read_sources())


# Valid for one use, not for another: what the per-use tables are for.
BAD = [
    "m5.large",  # without the ml. prefix
    "ml.m5.lrage",
    "ml.banana.xlarge",
    "ML.M5.LARGE",
    "",
]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", BAD)
def test_a_bad_instance_type_is_refused_naming_close_valid_ones(key, value):
    use = KEYS[key][2]
    message = refusal(_with(key, value))
    assert message.startswith(f"{key}: '{value}' is not an instance type SageMaker offers for ")
    suggested = message.split("fix: use one such as ", 1)[1].split(", ")
    assert suggested and all(s.strip("'") in accepted(use) for s in suggested)
    if value == "m5.large":
        assert suggested[0] == "'ml.m5.large'"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("studio.default_instance_type", "ml.g7.2xlarge"),  # in the API, not in CloudFormation's enum
        ("studio.default_instance_type", "system"),  # Studio's system apps, not an instance
        ("projects[0].inference_instance_type", "ml.c5.large"),  # hosts, but no batch transform
        ("projects[0].training_instance_type", "ml.t2.medium"),  # hosts, does not train
        ("projects[0].prod_serving.instance_type", "ml.t3.large"),  # processes, does not host
    ],
)
def test_a_type_of_another_use_is_refused(key, value):
    assert refusal(_with(key, value)).startswith(f"{key}: '{value}' is not an instance type")


@pytest.mark.parametrize("key", KEYS)
def test_every_key_takes_every_type_of_its_use(key):
    """AWS-valid edge values: the first and last of the use's table load."""
    for value in (min(accepted(KEYS[key][2])), max(accepted(KEYS[key][2]))):
        loads(_with(key, value))


@settings(max_examples=200)
@given(st.sampled_from(sorted(KEYS)), st.text(max_size=20))
def test_no_text_outside_a_use_passes(key, value):
    use = KEYS[key][2]
    assert (instance_type_problem(value, use) is None) == (value in accepted(use))


def test_a_serverless_test_endpoint_refuses_instance_settings():
    message = refusal(edit("max_concurrency = 5 }", "max_concurrency = 5, instance_count = 2 }"))
    assert message.startswith("projects[0].test_serving: instance_count has no effect on a serverless")
    message = refusal(edit("test_serving = { serverless = true,", "test_serving = { serverless = false,"))
    assert message.startswith("projects[0].test_serving: memory_mb has no effect on an instance-backed")


def test_without_the_table_a_made_up_type_loads(monkeypatch):
    """Negative control: with the check planted out, the refusals above would fail."""
    monkeypatch.setattr(schema, "instance_type_problem", lambda value, use: None)
    assert loads(_with("projects[0].training_instance_type", "m5.large"))
