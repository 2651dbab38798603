"""A trial puts dev, test and prod in one account: that must synthesize, checks included."""

from __future__ import annotations

import pytest

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


def _physical_names(stack):
    for resource in stack.template["Resources"].values():
        properties = resource.get("Properties", {})
        match resource["Type"]:
            case "AWS::Budgets::Budget":
                yield properties["Budget"]["BudgetName"]
            case "AWS::CE::AnomalyMonitor":
                yield properties["MonitorName"]
            case "AWS::CE::AnomalySubscription":
                yield properties["SubscriptionName"]


def test_named_resources_do_not_collide_in_one_account(single_account_stacks):
    names = [name for stack in single_account_stacks for name in _physical_names(stack)]
    assert len(names) == 12 and len(set(names)) == 12
