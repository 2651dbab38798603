"""Name lengths: every physical name derived from the config's names fits AWS's limit, checked at load
against one table (platform_config/names.py), naming the key written, the limit and the longest fit."""

from __future__ import annotations

import re

import botocore.session
import pytest

from cfn.schemas import _provider_types, _schema_file
from compliance.deploy_limits import limit_problems
from platform_config import names
from platform_config.names import DERIVED, Key, Parts, too_long
from tests.config_edits import EXAMPLE, edit, loads, refusal
from tooling.synth import synthesize

PLATFORM, PROJECT, GROUP = 'name = "mlplatform"', 'name = "churn"', 'model_package_group = "mlplatform-churn"'


def _longest(key_of: callable, start: str = "a") -> str:
    """The longest value a key takes (the accepted length grows one character at a time)."""
    value = start
    while too_long(key_of(value + "b")) is None and len(value) < 300:
        value += "b"
    return value


def test_names_longer_than_twenty_characters_load():
    """The old 20-character cap refused a 10-character project with the example's platform name."""
    config = loads(
        edit(
            GROUP,
            'model_package_group = "mlplatform-customer-churn"',
            edit(PROJECT, 'name = "customer-churn"'),
        )
    )
    assert config.projects[0].name == "customer-churn"


@pytest.mark.parametrize("person", ["Dana", "a", "DanaSmith-2", "x" * 63, "a--b"])
def test_every_user_profile_name_studio_accepts_loads(person):
    pattern = botocore.session.get_session().get_service_model("sagemaker").shape_for("UserProfileName")
    assert re.fullmatch(pattern.metadata["pattern"], person)
    assert loads(edit('name = "dana"', f'name = "{person}"')).people[0].name == person


@pytest.mark.parametrize(
    ("old", "new", "key", "limit"),
    [
        (PLATFORM, f'name = "{"p" * 31}"', "platform.name", "S3 bucket name limit of 63"),
        (PLATFORM, f'name = "{"p" * 64}"', "platform.name", "limit of 6"),
        (PROJECT, f'name = "{"c" * 38}"', "projects[0].name", "IAM role name limit of 64"),
        (
            GROUP,
            f'model_package_group = "mlplatform-{"g" * 53}"',
            "projects[0].model_package_group",
            "SageMaker model package group name limit of 63",
        ),
        (
            'name = "dana"',
            f'name = "{"d" * 64}"',
            "people[0].name",
            "SageMaker Studio user profile name limit of 63",
        ),
        (
            'alarm_features = ["tenure_months"',
            f'alarm_features = ["{"f" * 220}"',
            "projects[0].monitoring.alarm_features[0]",
            "CloudWatch alarm name limit of 255",
        ),
    ],
)
def test_a_too_long_name_names_the_key_the_limit_and_the_longest_fit(old, new, key, limit):
    text = edit(old, new)
    if key == "platform.name":  # the group carries the platform's name as its prefix
        text = edit(GROUP, f'model_package_group = "{new.split(chr(34))[1]}-churn"', text)
    message = refusal(text)
    assert message.startswith(f"{key}: '")
    assert limit in message
    longest = int(message.rsplit("fix: use at most ", 1)[1].split()[0])
    assert longest > 0


@pytest.mark.parametrize("placeholder", ["platform.name", "projects[0].name", "people[0].name"])
def test_the_longest_fit_a_refusal_names_does_fit(placeholder):
    key_of = {
        "platform.name": lambda v: Key("platform.name", v, lambda x: Parts(platform=x, group=f"{x}-a")),
        "projects[0].name": lambda v: Key(
            "projects[0].name", v, lambda x: Parts(platform="mlplatform", project=x, group=f"mlplatform-{x}")
        ),
        "people[0].name": lambda v: Key("people[0].name", v, lambda x: Parts(person=x)),
    }[placeholder]
    longest = _longest(key_of)
    for over in (1, 10, 30):  # far over, the longest fit is still the one that fits every name
        message = too_long(key_of(longest + "b" * over))
        assert message and f"fix: use at most {len(longest)} characters" in message, over


def test_every_limit_is_the_cloudformation_schemas_where_it_has_one():
    """Not wider than CloudFormation's maxLength; where the API is tighter (63 for SageMaker names whose
    schema says 64, 255 for DynamoDB's 1024), the API's."""
    schemas = {
        names.ROLE: ("AWS::IAM::Role", "RoleName"),
        names.BUCKET: ("AWS::S3::Bucket", "BucketName"),
        names.SCHEDULE: ("AWS::SageMaker::MonitoringSchedule", "MonitoringScheduleName"),
        names.PACKAGE_GROUP: ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupName"),
        names.PIPELINE: ("AWS::SageMaker::Pipeline", "PipelineName"),
        names.DOMAIN: ("AWS::SageMaker::Domain", "DomainName"),
        names.PROFILE: ("AWS::SageMaker::UserProfile", "UserProfileName"),
        names.BUS: ("AWS::Events::EventBus", "Name"),
        names.ALIAS: ("AWS::KMS::Alias", "AliasName"),
        names.ANOMALY: ("AWS::CE::AnomalyMonitor", "MonitorName"),
        names.ALARM: ("AWS::CloudWatch::Alarm", "AlarmName"),
        names.METRIC: ("AWS::CloudWatch::Alarm", "MetricName"),
    }
    for limit, (resource_type, prop) in schemas.items():
        root = _schema_file(_provider_types("us-east-1")[resource_type])
        schema = root["properties"][prop]
        while "$ref" in schema:
            schema = root["definitions"][schema["$ref"].split("/")[-1]]
        assert limit.max_length == schema["maxLength"], limit
    sagemaker = botocore.session.get_session().get_service_model("sagemaker")
    assert names.ENDPOINT.max_length == sagemaker.shape_for("EndpointName").metadata["max"]


def _named_strings(node, schema: dict, root: dict, path: str):
    """(path, value, maxLength) of every literal string in `node` whose schema bounds its length."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = root["definitions"][schema["$ref"].split("/")[-1]]
    if isinstance(node, str) and "maxLength" in schema:
        yield path, node, schema["maxLength"]
    elif isinstance(node, dict) and "properties" in schema:
        for key, value in node.items():
            if key in schema["properties"]:
                yield from _named_strings(value, schema["properties"][key], root, f"{path}.{key}")
    elif isinstance(node, list) and "items" in schema:
        for index, value in enumerate(node):
            yield from _named_strings(value, schema["items"], root, f"{path}[{index}]")


def overlong(templates: dict[str, dict]) -> list[str]:
    """Every literal string property of every resource over its CloudFormation maxLength."""
    found = []
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            file_id = _provider_types("us-east-1").get(resource["Type"])
            if not file_id:
                continue
            root = _schema_file(file_id)
            for path, value, max_length in _named_strings(
                resource.get("Properties", {}), root, root, logical_id
            ):
                if len(value) > max_length:
                    found.append(f"{stack} {path}: {len(value)} > {max_length}")
    return found


def longest_names_config() -> str:
    """The example at the longest accepted names: the platform's, then each other key's with it."""
    platform = _longest(lambda v: Key("platform.name", v, lambda x: Parts(platform=x, group=f"{x}-a")), "p")
    project = _longest(
        lambda v: Key(
            "projects[0].name", v, lambda x: Parts(platform=platform, project=x, group=f"{platform}-{x}")
        ),
        "c",
    )
    group = _longest(
        lambda v: Key("g", v, lambda x: Parts(platform=platform, project=project, group=x)), f"{platform}-g"
    )
    feature = _longest(
        lambda v: Key("f", v, lambda x: Parts(platform=platform, project=project, feature=x)), "f"
    )
    person = _longest(lambda v: Key("p", v, lambda x: Parts(person=x)))
    text = edit(PLATFORM, f'name = "{platform}"')
    text = edit(PROJECT, f'name = "{project}"', text)
    text = edit(GROUP, f'model_package_group = "{group}"', text)
    text = edit('alarm_features = ["tenure_months"', f'alarm_features = ["{feature}"', text)
    text = edit("ground_truth_uri", "ground_truth_uri", text) if "ground_truth_uri" in text else text
    text = edit(
        "retrain_on_drift = true }",
        'retrain_on_drift = true, ground_truth_uri = "s3://labels/churn" }',
        text,
    )
    return edit('name = "dana"', f'name = "{person}"', text)


def test_at_the_longest_accepted_names_every_named_resource_fits(tmp_path):
    """The cross-check of the table: a derived name missing from it (or a limit set too wide) makes
    some resource of the synthesized templates longer than its CloudFormation schema allows."""
    text = longest_names_config()
    config = loads(text)
    assert len(config.platform.name) == 30 and len(config.people[0].name) == 63
    stacks = synthesize(config, tmp_path / "cdk.out")
    assert overlong({s.path: s.template for s in stacks}) == []
    # Long names make long ARNs: the policies and environments must still fit their limits.
    assert limit_problems(stacks) == []


def test_an_overlong_name_in_a_template_is_caught():
    """Negative control for the cross-check: a role name one character over."""
    template = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "r" * 65}}}}
    assert overlong({"s": template}) == ["s R.RoleName: 65 > 64"]


def test_without_the_table_a_too_long_project_loads(monkeypatch):
    """Negative control: with no derived names, the refusals above would fail."""
    monkeypatch.setattr(names, "DERIVED", [])
    assert loads(edit(PROJECT, f'name = "{"c" * 60}"', EXAMPLE.replace(GROUP, "")))


def test_every_derived_name_grows_with_some_key():
    for derived in DERIVED:
        assert derived.build(Parts()) != derived.build(Parts("ab", "ab", "ab-ab", "ab", "ab")), derived.name
