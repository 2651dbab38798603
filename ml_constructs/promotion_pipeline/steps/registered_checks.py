"""The baselines a package registered for prod's model-quality, bias and explainability monitoring.

Older versions (registered before these checks existed) lack some: each absent one is `none`, which
the prod serving template reads as "do not monitor this" (its schedule is behind a condition), so
such a version still promotes and is monitored for what it has. Where the model-build pipeline
registers them: `DriftCheckBaselines` (the API's DescribeModelPackage shape).
"""

from __future__ import annotations

NOT_REGISTERED = "none"  # the serving template's parameter default
# The prod serving template's parameter for each output of this step (the pipeline passes them on).
PARAMETERS = {
    "ModelQualityConstraintsUri": "MODEL_QUALITY_CONSTRAINTS_URI",
    "BiasConfigUri": "BIAS_CONFIG_URI",
    "BiasConstraintsUri": "BIAS_CONSTRAINTS_URI",
    "ExplainabilityConfigUri": "EXPLAINABILITY_CONFIG_URI",
    "ExplainabilityConstraintsUri": "EXPLAINABILITY_CONSTRAINTS_URI",
}


def _uri(baselines: dict, *path: str) -> str:
    node: object = baselines
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    uri = node if isinstance(node, str) else ""
    return uri if uri.startswith("s3://") else NOT_REGISTERED


def registered_checks(package: dict) -> dict[str, str]:
    """The step's outputs, one per serving-template parameter (stdout names, upper case)."""
    baselines = package.get("DriftCheckBaselines") or {}
    checks = {
        "MODEL_QUALITY_CONSTRAINTS_URI": _uri(baselines, "ModelQuality", "Constraints", "S3Uri"),
        "BIAS_CONFIG_URI": _uri(baselines, "Bias", "ConfigFile", "S3Uri"),
        "BIAS_CONSTRAINTS_URI": _uri(baselines, "Bias", "PostTrainingConstraints", "S3Uri"),
        "EXPLAINABILITY_CONFIG_URI": _uri(baselines, "Explainability", "ConfigFile", "S3Uri"),
        "EXPLAINABILITY_CONSTRAINTS_URI": _uri(baselines, "Explainability", "Constraints", "S3Uri"),
    }
    # A Clarify check needs both its configuration and its constraints: half of it monitors nothing.
    for check in ("BIAS", "EXPLAINABILITY"):
        if NOT_REGISTERED in (checks[f"{check}_CONFIG_URI"], checks[f"{check}_CONSTRAINTS_URI"]):
            checks[f"{check}_CONFIG_URI"] = checks[f"{check}_CONSTRAINTS_URI"] = NOT_REGISTERED
    return checks


def absent(checks: dict[str, str]) -> list[str]:
    """The checks prod will not run for this version, for the step's log."""
    return sorted(
        {
            name.rsplit("_", 2)[0].lower().replace("_", "-")
            for name, uri in checks.items()
            if uri == NOT_REGISTERED
        }
    )
