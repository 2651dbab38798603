"""Availability zones: a zone must exist in its account's region, by a table of every region the schema
accepts (platform_config/zones.json, from AWS's list of zones)."""

from __future__ import annotations

import pytest
from cfnlint.helpers import AVAILABILITY_ZONES

from platform_config import schema
from platform_config.schema import sagemaker_regions
from platform_config.zones import region_zones
from tests.config_edits import edit, loads, refusal

DEV_ZONES = 'availability_zones = ["eu-west-1a", "eu-west-1b"]'


def test_every_accepted_region_has_its_zones():
    assert set(sagemaker_regions()) <= set(region_zones())
    assert all(len(region_zones()[region]) >= 2 for region in sagemaker_regions())


def test_the_table_refuses_no_zone_cfn_lint_knows():
    """A second, independent list: ours may know more zones (accounts map names differently), not fewer."""
    for region in sagemaker_regions():
        assert set(AVAILABILITY_ZONES.get(region, ())) <= set(region_zones()[region]), region


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('["eu-west-1d"]', "availability zone 'eu-west-1d' does not exist in eu-west-1; fix: use some of"),
        ('["eu-west-1a", "eu-west-1z"]', "availability zone 'eu-west-1z' does not exist"),
        ('["eu-west-1"]', "availability zone 'eu-west-1' does not exist"),
        ('["eu-west-1aa"]', "availability zone 'eu-west-1aa' does not exist"),
        ('["us-east-1a"]', "availability zone 'us-east-1a' is not in region eu-west-1; fix:"),
        ('["euw1-az1"]', "availability zone 'euw1-az1' is not in region eu-west-1; fix:"),
    ],
)
def test_a_zone_that_does_not_exist_is_refused(value, expected):
    assert refusal(edit(DEV_ZONES, f"availability_zones = {value}")).startswith(f"accounts.dev: {expected}")


def test_every_zone_of_a_region_loads():
    text = edit('region = "eu-west-1"', 'region = "us-east-1"')
    config = loads(edit(DEV_ZONES, f"availability_zones = {list(region_zones()['us-east-1'])}", text))
    assert len(config.accounts.dev.availability_zones) == 6


def test_without_the_table_a_made_up_zone_loads(monkeypatch):
    """Negative control: with the table planted empty of checks, the refusals above would fail."""
    monkeypatch.setattr(schema, "zone_problem", lambda zone, region: None)
    assert loads(edit(DEV_ZONES, 'availability_zones = ["eu-west-1d"]'))
