"""Challenger vs champion: Resolve refuses a candidate whose registered quality falls short of the
version prod serves now by more than the project's tolerance (`champion_tolerance` in the config).

The champion is read where it is true, not where it was last recorded: prod's endpoint, through the
prod check role this step already assumes (it may describe the endpoint, its config and model),
gives the model package behind each variant. Both figures are the project's quality metric (the one
its build gate uses) from each version's evaluation report registered in the dev registry, so
challenger and champion are scored the same way, on their own test splits. Every metric the
pipeline computes is a ratio where higher is better (`platform_config/quality.py`).

- No endpoint in prod (a first promotion): nothing to beat; the line says so.
- The candidate is the champion (a re-promotion): nothing to compare.
- `CHAMPION_CHECK=rollback` (set by `mlp-promote rollback`): an earlier version may be worse on
  paper, which is why it is being rolled back to; the line says the regression was accepted, and
  the prod gate still asks the compliance officer.

The line (CHAMPION_SUMMARY) goes into the gate's email and the audit trail's gate item.

Environment: PROD_CHECK_ROLE_ARN, PROD_ENDPOINT_NAME, QUALITY_METRIC, CHAMPION_TOLERANCE,
CHAMPION_CHECK (`enforce`, the default, or `rollback`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

try:
    from . import common  # imported as a package module (tests)
except ImportError:
    import common  # run as a script: Python puts this folder first on sys.path

ENFORCE, ROLLBACK = "enforce", "rollback"
# Differences below this are float noise, never a regression.
EPSILON = 1e-9


@dataclass(frozen=True)
class Figure:
    """One version's score on the project's quality metric (None: nothing readable registered)."""

    version: int
    value: float | None

    def __str__(self) -> str:
        return f"version {self.version} {'n/a' if self.value is None else f'{self.value:.4f}'}"


def serving_packages(clients: Callable[..., Any], endpoint: str) -> list[str]:
    """The model packages prod's endpoint serves now; none when it does not exist yet."""
    sagemaker = clients("sagemaker")
    try:
        described = sagemaker.describe_endpoint(EndpointName=endpoint)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ValidationException":
            raise
        return []
    return sorted(set(common.served_packages(sagemaker, described)))


def figure(s3, package: dict, metric: str) -> Figure:
    return Figure(int(package["ModelPackageVersion"]), common.registered_metrics(s3, package).get(metric))


def verdict(challenger: Figure, champion: Figure | None, metric: str, tolerance: float, mode: str) -> str:
    """The comparison as one line, or a `StepError` when the challenger regresses beyond tolerance."""
    if champion is None:
        return f"first promotion: prod serves no model yet, no champion to beat ({metric} {challenger})"
    if champion.version == challenger.version:
        return f"{metric}: version {challenger.version} is the champion already (a re-promotion)"
    line = f"{metric}: challenger {challenger} vs champion {champion} in prod (tolerance {tolerance:g})"
    if champion.value is None:
        return f"{line}: the champion has no readable {metric}, not compared"
    if challenger.value is None:
        raise common.StepError(
            f"{line}: the challenger has no readable {metric} to compare; "
            "fix: register it from the model-build pipeline, which attaches its evaluation report"
        )
    drop = champion.value - challenger.value
    if drop <= tolerance + EPSILON:
        return f"{line}: {'better' if drop < -EPSILON else 'no worse' if drop <= EPSILON else 'within tolerance'}"
    if mode == ROLLBACK:
        return f"{line}: worse by {drop:.4f}, accepted for a rollback"
    raise common.StepError(
        f"{line}: worse by {drop:.4f}, a regression beyond the tolerance; fix: promote a better version, "
        f"raise the project's champion_tolerance, or roll back with `mlp-promote rollback` if that is the intent"
    )


def _mode(environ: Mapping[str, str]) -> str:
    mode = common.env(environ, "CHAMPION_CHECK", ENFORCE)
    if mode not in (ENFORCE, ROLLBACK):
        raise common.StepError(
            f"CHAMPION_CHECK must be {ENFORCE} or {ROLLBACK}, got {mode!r}; "
            "fix: start the pipeline with ChampionCheck unset or set to rollback"
        )
    return mode


def _tolerance(environ: Mapping[str, str]) -> float:
    raw = common.env(environ, "CHAMPION_TOLERANCE")
    try:
        tolerance = float(raw)
    except ValueError:
        tolerance = -1.0
    if not 0 <= tolerance < 1:
        raise common.StepError(
            f"CHAMPION_TOLERANCE must be a number from 0 to below 1, got {raw!r}; "
            "fix: correct the project's champion_tolerance and redeploy"
        )
    return tolerance


def compare(environ: Mapping[str, str], sagemaker, s3, package: dict) -> str:
    """Resolve's champion check of an Approved `package`: the CHAMPION_SUMMARY line."""
    metric = common.env(environ, "QUALITY_METRIC")
    tolerance, mode = _tolerance(environ), _mode(environ)
    region = common.env(environ, "AWS_REGION")
    prod = common.target_clients(common.env(environ, "PROD_CHECK_ROLE_ARN"), "resolve-champion", region)
    challenger = figure(s3, package, metric)

    def describe(arn: str) -> dict:
        return sagemaker.describe_model_package(ModelPackageName=arn)

    champions = serving_packages(prod, common.env(environ, "PROD_ENDPOINT_NAME"))
    for arn in champions:
        if common.version_of(arn) is None:
            raise common.StepError(
                f"prod serves {arn}, not a model package version, so there is no champion to compare with; "
                "fix: promote through this pipeline, which deploys registered versions only"
            )
    lines = [
        verdict(challenger, figure(s3, describe(arn), metric), metric, tolerance, mode) for arn in champions
    ] or [verdict(challenger, None, metric, tolerance, mode)]
    summary = "; ".join(lines)
    common.log(summary)
    return summary
