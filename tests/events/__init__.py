"""EventBridge events in the shapes AWS documents, for the handlers' and the rules' tests.

Field sets follow AWS's examples; values are this platform's (account 111111111111, eu-west-1, the
churn project). Where a documented example is not valid JSON, the fixture keeps its fields and drops
the slip.

SageMaker Model Package State Change (`model_package_*.json`), from
https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package
  The example carries `ModelLifeCycle` and `UpdatedModelPackageFields` (the fields an update changed:
  "ModelApprovalStatus", "ApprovalDescription", "ModelLifeCycle", "CustomerMetadataProperties",
  "sourceUri", "InferenceSpecification"). Its duplicate `"source": ["aws.sagemaker"]` and inline
  comment are dropped. The docs show no creation event: `model_package_registered` is the same shape,
  PendingManualApproval, without `UpdatedModelPackageFields` (nothing was updated).
  - registered: a new version, PendingManualApproval
  - approved: Pending -> Approved          - rejected: Pending -> Rejected
  - approval_revoked: Approved -> Rejected - lifecycle_updated: Approved, only ModelLifeCycle changed

CodePipeline Action Execution State Change (`gate_*.json`), from
https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html#detect-state-events-action
  The promotion gate: stage and action "ApproveForProd", type Approval/Manual. The documented action
  states are STARTED, SUCCEEDED, FAILED ("rejected by the reviewer" for approvals), ABANDONED and
  CANCELED; each fixture has the fields of that state's example (CANCELED has none: ABANDONED's).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent
REGISTRY = ("registered", "approved", "rejected", "approval_revoked", "lifecycle_updated")
GATE = ("started", "succeeded", "failed", "abandoned", "canceled")


@cache
def _read(name: str) -> dict:
    return json.loads((FOLDER / f"{name}.json").read_text())


def registry_event(kind: str) -> dict:
    """A fresh copy of `model_package_<kind>.json`."""
    return copy.deepcopy(_read(f"model_package_{kind}"))


def lifecycle_event(life_cycle: dict) -> dict:
    """`lifecycle_updated` with this `ModelLifeCycle`: what each stage update of the promotion emits
    (only `ModelLifeCycle` in `UpdatedModelPackageFields`; the version stays Approved)."""
    event = registry_event("lifecycle_updated")
    event["detail"]["ModelLifeCycle"] = dict(life_cycle)
    return event


def gate_event(state: str) -> dict:
    """A fresh copy of `gate_<state>.json` (state in lower case)."""
    return copy.deepcopy(_read(f"gate_{state}"))
