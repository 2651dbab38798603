"""PlatformFunction: EventBridge targets that lose nothing (retries, then an encrypted dead-letter queue
EventBridge may write to, and only for its own rules), and Powertools vendored into a layer."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Template

from ml_constructs.platform_function import PlatformFunction
from ml_constructs.powertools_layer import (
    POWERTOOLS_VERSION,
    PROVIDED_BY_THE_RUNTIME,
    VENDORED,
    vendored_files,
)
from tests.templates import resources
from tooling.synth import ROOT

PROMOTION = "dev/Promotion"
RUNTIME = ROOT / "ml_constructs" / "promotion_events" / "runtime"


def _ref(value: dict) -> str:
    """The logical id a `Ref` or `Fn::GetAtt` points to."""
    return value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]


def undeliverable_risks(template: dict) -> list[str]:
    """Rule targets that would drop an event they cannot deliver: no dead-letter queue, or no explicit
    retry policy (event-bus targets take none in CDK; EventBridge's default there is the same 24 h)."""
    return [
        f"{name}/{target['Id']}: {missing}"
        for name, rule in template["Resources"].items()
        if rule["Type"] == "AWS::Events::Rule"
        for target in rule["Properties"].get("Targets", [])
        for missing in ("DeadLetterConfig", "RetryPolicy")
        if missing not in target
        and not (missing == "RetryPolicy" and ":event-bus/" in json.dumps(target["Arn"]))
    ]


def test_no_rule_anywhere_drops_an_event_it_cannot_deliver(synthesized):
    """Every stack of the platform: promotion, audit, monitoring failures, the prod-to-dev forward, drift."""
    assert {path: undeliverable_risks(stack.template) for path, stack in synthesized.items()} == {
        path: [] for path in synthesized
    }


def test_every_rule_target_retries_explicitly_then_dead_letters(template, synthesized):
    promotion = synthesized[PROMOTION].template
    assert undeliverable_risks(promotion) == []
    rules = template(PROMOTION).find_resources("AWS::Events::Rule")
    assert len(rules) == 4  # the trigger's, and the audit trail's three (decisions, stages, gate answers)
    for name, rule in rules.items():
        (target,) = rule["Properties"]["Targets"]
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}, name


def test_negative_control_a_plain_lambda_target_is_found():
    stack = Stack(App(), "Test", env={"account": "111111111111", "region": "eu-west-1"})
    function = lambda_.Function(
        stack, "F", runtime=lambda_.Runtime.PYTHON_3_13, handler="x.h", code=lambda_.Code.from_inline("h=0")
    )
    events.Rule(
        stack,
        "R",
        schedule=events.Schedule.rate(Duration.hours(1)),
        targets=[targets.LambdaFunction(function)],
    )
    assert undeliverable_risks(Template.from_stack(stack).to_json()) == [
        "RC21A1702/Target0: DeadLetterConfig",
        "RC21A1702/Target0: RetryPolicy",
    ]


def test_the_dead_letter_queues_are_encrypted_with_the_promotion_key_tls_only_and_kept_14_days(template):
    promotion = template(PROMOTION)
    rules = promotion.find_resources("AWS::Events::Rule").values()
    queues = {_ref(rule["Properties"]["Targets"][0]["DeadLetterConfig"]["Arn"]) for rule in rules}
    assert len(queues) == 2  # one per function: the audit trail's two rules share its queue
    all_queues = promotion.find_resources("AWS::SQS::Queue")
    for queue in queues:
        properties = all_queues[queue]["Properties"]
        assert _ref(properties["KmsMasterKeyId"]).startswith("PromotionKey")
        assert properties["MessageRetentionPeriod"] == 14 * 24 * 3600
    policies = promotion.find_resources("AWS::SQS::QueuePolicy").values()
    tls_only = {
        "Effect": "Deny",
        "Action": "sqs:*",
        "Principal": {"AWS": "*"},
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    for queue in queues:
        (policy,) = [p for p in policies if [_ref(q) for q in p["Properties"]["Queues"]] == [queue]]
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(tls_only.items() <= s.items() for s in statements), queue


def test_eventbridge_may_send_to_a_dead_letter_queue_only_for_the_rules_that_use_it(template):
    promotion = template(PROMOTION)
    rules = promotion.find_resources("AWS::Events::Rule")
    allowed: dict[str, set[str]] = {}
    for policy in promotion.find_resources("AWS::SQS::QueuePolicy").values():
        (queue,) = [_ref(q) for q in policy["Properties"]["Queues"]]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] == {"Service": "events.amazonaws.com"}
                assert statement["Action"] == "sqs:SendMessage"
                assert _ref(statement["Resource"]) == queue
                (source,) = statement["Condition"]["ArnEquals"].values()
                allowed.setdefault(queue, set()).add(_ref(source))
    expected: dict[str, set[str]] = {}
    for name, rule in rules.items():
        expected.setdefault(_ref(rule["Properties"]["Targets"][0]["DeadLetterConfig"]["Arn"]), set()).add(
            name
        )
    assert allowed == expected


def test_the_promotion_key_lets_eventbridge_encrypt_dead_letters_for_this_account_only(template):
    """Once, though two functions' targets ask for it."""
    (key,) = [
        k
        for name, k in template(PROMOTION).find_resources("AWS::KMS::Key").items()
        if name.startswith("PromotionKey")
    ]
    statements = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s["Principal"].get("Service") == "events.amazonaws.com"
    ]
    assert statements == [
        {
            "Sid": "EventBridgeDeadLetters",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
        }
    ]


def test_the_functions_send_their_own_failed_invocations_to_the_same_queue(template):
    promotion = template(PROMOTION)
    functions = promotion.find_resources("AWS::Lambda::Function")
    rules = promotion.find_resources("AWS::Events::Rule").values()
    for rule in rules:
        (target,) = rule["Properties"]["Targets"]
        function = functions[_ref(target["Arn"])]["Properties"]
        assert _ref(function["DeadLetterConfig"]["TargetArn"]) == _ref(target["DeadLetterConfig"]["Arn"])


def _function(stack: Stack, key: kms.IKey) -> PlatformFunction:
    return PlatformFunction(
        stack,
        "Function",
        code=RUNTIME,
        handler="audit.handler",
        description="test",
        environment={},
        statements=[],
        key=key,
        wildcard_reason="none",
    )


def test_negative_control_a_target_for_a_function_whose_key_policy_the_app_cannot_extend_fails():
    stack = Stack(App(), "Test", env={"account": "111111111111", "region": "eu-west-1"})
    imported = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    with pytest.raises(ValueError, match="dead letters need a key this app defines"):
        _function(stack, imported).event_target()


# ---- Powertools, vendored: nothing is looked up at deploy time --------------------------------------

SSM_TYPE = "AWS::SSM::Parameter::Value"
BOOTSTRAP_VERSION = ("BootstrapVersion", "/cdk-bootstrap/hnb659fds/version")  # CDK's own deploy check


def ssm_lookups(template: dict) -> list[str]:
    """Every value the template would read from SSM at deploy time, except CDK's bootstrap check."""
    found = [
        f"parameter {name}: {parameter.get('Default')}"
        for name, parameter in template.get("Parameters", {}).items()
        if parameter["Type"].startswith(SSM_TYPE) and (name, parameter.get("Default")) != BOOTSTRAP_VERSION
    ]
    text = json.dumps(template)
    return found + [f"dynamic reference {m}" for m in re.findall(r"\{\{resolve:ssm[^}]*\}\}", text)]


def test_no_template_reads_anything_from_ssm_at_deploy_time(synthesized):
    assert {
        path: ssm_lookups(stack.template)
        for path, stack in synthesized.items()
        if ssm_lookups(stack.template)
    } == {}


def test_negative_control_an_ssm_layer_lookup_is_found():
    stack = Stack(App(), "Test", env={"account": "111111111111", "region": "eu-west-1"})
    ssm.StringParameter.value_for_string_parameter(
        stack, "/aws/service/powertools/python/x86_64/python3.13/3.37.0"
    )
    [lookup] = ssm_lookups(Template.from_stack(stack).to_json())
    assert "/aws/service/powertools/python/x86_64/python3.13/3.37.0" in lookup


@pytest.fixture(scope="module")
def layer_dir(synthesized, example_outdir) -> Path:
    """The staged content of the one Powertools layer, which every platform function uses."""
    template = synthesized[PROMOTION].template
    (layer_id,) = resources(template, "AWS::Lambda::LayerVersion")
    for function in template["Resources"].values():
        if function["Type"] == "AWS::Lambda::Function" and "DeadLetterConfig" in function["Properties"]:
            assert function["Properties"]["Layers"] == [{"Ref": layer_id}]
    key = template["Resources"][layer_id]["Properties"]["Content"]["S3Key"]
    return example_outdir / f"asset.{key.removesuffix('.zip')}" / "python"


def test_the_vendored_powertools_is_the_pinned_one(layer_dir):
    pinned = re.search(r"^aws-lambda-powertools==(\S+)$", (ROOT / "requirements.in").read_text(), re.M).group(
        1
    )
    vendored = re.search(
        r'VERSION = "(.+)"', (layer_dir / "aws_lambda_powertools/shared/version.py").read_text()
    )
    assert vendored.group(1) == pinned == POWERTOOLS_VERSION
    assert (
        layer_dir / f"typing_extensions-{metadata.version('typing-extensions')}.dist-info" / "METADATA"
    ).is_file()


def test_the_layer_holds_pure_python_sources_and_licences_only(layer_dir):
    files = [p.relative_to(layer_dir) for p in layer_dir.rglob("*") if p.is_file()]
    assert not [f for f in files if "__pycache__" in f.parts or f.suffix == ".pyc"]
    assert not [f for f in files if f.suffix in (".so", ".pyd")]  # pure Python: built anywhere, runs on Linux
    assert sorted(f.name for f in files if f.parts[0].endswith(".dist-info")) == [
        "LICENSE",
        "LICENSE",
        "METADATA",
        "METADATA",
    ]
    assert len(files) == len(vendored_files())


def test_every_dependency_powertools_requires_is_vendored_or_in_the_lambda_runtime():
    required = {
        re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        for requirement in metadata.requires("aws-lambda-powertools")
        if "extra ==" not in requirement
    }
    assert required <= set(VENDORED) | set(PROVIDED_BY_THE_RUNTIME)


# What the Lambda Python runtime adds to the layer: the AWS SDK and its dependencies.
LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "jmespath", "s3transfer", "dateutil", "six", "urllib3")


def _powertools_imports() -> list[str]:
    modules = set()
    for handler in RUNTIME.glob("*.py"):
        for node in ast.walk(ast.parse(handler.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("aws_lambda_powertools")
            ):
                modules.add(node.module)
            if isinstance(node, ast.Import):
                modules |= {a.name for a in node.names if a.name.startswith("aws_lambda_powertools")}
    return sorted(modules)


def _import_with_only(layer: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Import what the handlers import from Powertools with nothing but the layer and the runtime's SDK."""
    runtime = tmp_path / "var-runtime"
    runtime.mkdir()
    for name in LAMBDA_RUNTIME_PACKAGES:
        module = importlib.util.find_spec(name)
        source = Path(module.origin).parent if module.submodule_search_locations else Path(module.origin)
        (runtime / source.name).symlink_to(source)
    modules = _powertools_imports()
    assert "aws_lambda_powertools.utilities.idempotency" in modules
    code = f"import sys; sys.path[:0] = [{str(layer)!r}, {str(runtime)!r}]\n" + "".join(
        f"import {m}\n" for m in modules
    )
    return subprocess.run(
        [sys.executable, "-S", "-I", "-c", code], capture_output=True, text=True, timeout=60
    )


def test_the_layer_and_the_runtime_sdk_suffice_for_the_handlers_powertools_imports(layer_dir, tmp_path):
    result = _import_with_only(layer_dir, tmp_path)
    assert result.returncode == 0, result.stderr


def test_negative_control_without_typing_extensions_the_imports_fail(layer_dir, tmp_path):
    layer = tmp_path / "layer"
    shutil.copytree(layer_dir, layer, ignore=shutil.ignore_patterns("typing_extensions*"))
    result = _import_with_only(layer, tmp_path)
    assert result.returncode != 0 and "No module named 'typing_extensions'" in result.stderr
