"""Registers the checks that gate every synthesis: an unacknowledged finding fails it."""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Stage, Validations
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks

from compliance.cfn_validate_check import CloudFormationValidateCheck, start_engine
from compliance.replacement_check import ReplacementCheck
from compliance.sagemaker_rules import SageMakerChecks


def new_app(**props: Any) -> App:
    """An app whose CloudFormation validation is `CloudFormationValidateCheck` (registered by
    `add_checks`): the same engine as CDK's built-in validation, natively, so the built-in is off.
    The engine compiles its rules meanwhile."""
    start_engine()
    return App(builtin_cloud_formation_validation=False, **props)


def add_checks(app: Stage) -> None:
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app),
        NIST80053R5Checks(app),
        SageMakerChecks(),
        ReplacementCheck(),
        CloudFormationValidateCheck(),
    )
