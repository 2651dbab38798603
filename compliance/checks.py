"""Registers the checks that gate every synthesis: an unacknowledged finding fails it."""

from __future__ import annotations

from aws_cdk import Stage, Validations
from cdk_nag import AwsSolutionsChecks, NagPack, NIST80053R5Checks

from compliance.replacement_check import ReplacementCheck
from compliance.sagemaker_rules import SageMakerChecks


def rule_packs(scope: Stage) -> list[NagPack]:
    return [AwsSolutionsChecks(scope), NIST80053R5Checks(scope), SageMakerChecks(scope)]


def add_checks(app: Stage) -> None:
    Validations.of(app).add_plugins(*rule_packs(app), ReplacementCheck())
