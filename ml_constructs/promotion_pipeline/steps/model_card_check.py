"""Resolve's model card check: a version whose model card is not Approved does not deploy.

The audit recorder writes the compliance officer's decision into the card when the approval event
arrives, at the same time as the trigger starts this pipeline, so a card still PendingReview is
re-read for a while (CARD_WAIT_SECONDS, default 300) before the step refuses. A version without a
card (registered outside the model-build pipeline, or before it carried one) is refused at once.
Card statuses: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelPackageModelCard.html
"""

from __future__ import annotations

from collections.abc import Mapping

try:
    from . import common  # imported as a package module (tests)
except ImportError:
    import common  # run as a script: Python puts this folder first on sys.path

APPROVED = "Approved"
PENDING = "PendingReview"  # what the decision is about to move
DEFAULT_WAIT_SECONDS = "300"


def card_status(package: dict) -> str | None:
    return (package.get("ModelCard") or {}).get("ModelCardStatus")


def check_card(sagemaker, package: dict, environ: Mapping[str, str], clock: common.Clock) -> dict:
    """The package, re-read until its card is Approved; refuses a card that is missing or not Approved."""
    arn = package["ModelPackageArn"]
    wait = common.positive_number(environ, "CARD_WAIT_SECONDS", DEFAULT_WAIT_SECONDS)
    deadline = clock.now() + wait
    while card_status(package) == PENDING and clock.now() < deadline:
        common.log(f"{arn}: its model card is {PENDING}, the decision not yet written into it; re-reading")
        clock.sleep(min(clock.poll_seconds, max(deadline - clock.now(), 0)))
        package = sagemaker.describe_model_package(ModelPackageName=arn)
    status = card_status(package)
    if status is None:
        raise common.StepError(
            f"{arn} has no model card; fix: register the version from the model-build pipeline, which adds it"
        )
    if status != APPROVED:
        raise common.StepError(
            f"{arn}'s model card is {status}, and only versions with an Approved card deploy; "
            "fix: approve the version again (`mlp-promote approve`), which the audit trail writes into its card"
        )
    return package
