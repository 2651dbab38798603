"""What the pack needs to know about a rule besides its check."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from aws_cdk import CfnResource
from cdk_nag import NagRuleCompliance


class NagRule(NamedTuple):
    """`check` runs only on nodes of `applies_to`, so each check reads its L1's typed properties."""

    name: str  # the finding is `SageMaker-<name>`
    applies_to: type[CfnResource]
    check: Callable[[CfnResource], NagRuleCompliance]
    info: str  # the problem, one line
    explanation: str  # the fix
