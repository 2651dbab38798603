"""A trial puts dev, test and prod in one account: that must synthesize, checks included."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from cfn.names import PhysicalName, collisions, physical_names
from platform_config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tooling.synth import synthesize


@pytest.fixture(scope="module")
def single_account_stacks(tmp_path_factory):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for placeholder in ("222222222222", "333333333333"):
        text = text.replace(placeholder, "111111111111")
    path = tmp_path_factory.mktemp("config") / "trial.toml"
    path.write_text(text, encoding="utf-8")
    return synthesize(load_config(path), tmp_path_factory.mktemp("cdk.out"))


def test_one_account_gets_every_stage_with_distinct_names(single_account_stacks):
    assert {stack.account for stack in single_account_stacks} == {"111111111111"}
    names = [stack.name for stack in single_account_stacks]
    assert len(names) == len(set(names))
    assert {name.split("-")[0] for name in names} == {"dev", "test", "prod"}


def test_no_literal_physical_name_collides_in_the_one_account(single_account_stacks):
    """KMS aliases, buckets, roles, tables, SageMaker resources, alarms, budgets: every name fixed at
    synthesis is unique in the scope AWS requires (issue 11: `alias/<platform>/serving` was in both
    test and prod)."""
    names = [name for stack in single_account_stacks for name in physical_names(stack)]
    assert len(names) > 50
    assert {n.type_name for n in names} >= {
        "AWS::KMS::Alias",
        "AWS::S3::Bucket",
        "AWS::IAM::Role",
        "AWS::DynamoDB::GlobalTable",
        "AWS::SageMaker::Endpoint",
        "AWS::CloudWatch::Alarm",
        "AWS::Budgets::Budget",
        "AWS::CE::AnomalyMonitor",
    }
    assert collisions(names) == {}


def test_a_name_shared_by_two_stages_is_caught(single_account_stacks):
    """Negative control: the serving key alias as it was, the same in test and prod."""
    test, prod = (
        next(s for s in single_account_stacks if s.path == f"{r}/ServingFoundation") for r in ("test", "prod")
    )
    shared = PhysicalName("AWS::KMS::Alias", "alias/mlplatform/serving", "111111111111/eu-west-1", "")
    planted = [replace(shared, where=test.path), replace(shared, where=prod.path)]
    names = [name for stack in single_account_stacks for name in physical_names(stack)] + planted
    assert list(collisions(names)) == [
        ("111111111111/eu-west-1", "AWS::KMS::Alias", "alias/mlplatform/serving")
    ]


def test_names_built_from_the_account_resolve_to_it():
    """A bucket named with `${AWS::AccountId}` is literal for the stack's account; a generated or
    imported part makes a name not literal."""
    stack = SimpleNamespace(
        account="111111111111",
        region="eu-west-1",
        path="dev/S",
        template={
            "Resources": {
                "Built": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"BucketName": {"Fn::Join": ["-", ["a", {"Ref": "AWS::AccountId"}]]}},
                },
                "Imported": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"BucketName": {"Fn::ImportValue": "x"}},
                },
                "Generated": {"Type": "AWS::S3::Bucket", "Properties": {}},
            }
        },
    )
    assert [(n.name, n.scope) for n in physical_names(stack)] == [("a-111111111111", "aws")]
