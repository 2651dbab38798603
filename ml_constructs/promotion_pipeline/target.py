"""An account the promotion pipeline deploys into, and what it finds there."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    role: str  # "test" or "prod"
    account_id: str
    region: str
    stack_name: str
    template_file: str  # in the source artifact
    endpoint_name: str
    check_role_arn: str  # assumed by the acceptance test or the final check
