"""What the pack needs to know about a rule besides its check."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import NamedTuple

from compliance.sagemaker_rules.template import Resource


class Compliance(Enum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"  # the only outcome reported
    NOT_APPLICABLE = "not applicable"


class Rule(NamedTuple):
    """`check` runs only on resources of the CloudFormation type `applies_to`, so each check reads
    that type's properties."""

    name: str  # the finding is `SageMaker-<name>`
    applies_to: str  # e.g. "AWS::SageMaker::Domain"
    check: Callable[[Resource], Compliance]
    info: str  # the problem, one line
    explanation: str  # the fix
