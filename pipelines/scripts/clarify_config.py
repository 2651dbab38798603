"""Writes SageMaker Clarify's analysis configurations for the model-build pipeline's bias and
explainability checks, and for prod's bias and explainability monitors of the registered version.

Runs in the scikit-learn processing container after preprocessing, and locally in tests; it needs
only the standard library. The feature columns (after PII removal and one-hot encoding) are known
only once preprocessing ran, so the configurations are written here, from `baseline/baseline.csv`
(the training split's features, with a header; see preprocess.py), not at synth time.

- `bias/analysis_config.json`, `explainability/analysis_config.json`: what the build-time Clarify
  jobs read for the test split (label first, no header: preprocess.py's layout), and
- `bias/monitoring_config.json`, `explainability/monitoring_config.json`: what prod's monitors read
  for captured requests (features only), registered with the version as DriftCheckBaselines
  `Bias.ConfigFile` and `Explainability.ConfigFile`.

Formats: https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-processing-job-configure-analysis.html
A project without sensitive attributes gets no bias configuration, and the log says the bias check
is skipped (the CDK stack leaves the bias step out of that project's pipeline).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

SHAP_SAMPLES = 100  # Kernel SHAP samples per record: more is slower and steadier
REPORT = {"name": "report", "title": "Analysis Report"}


class ConfigError(ValueError):
    """The data does not fit the project's sensitive attributes; the message names the fix."""


def parse_facets(text: str) -> list[tuple[str, float]]:
    """`column=value,column=value` (the SensitiveAttributes pipeline parameter) as (column, value) pairs."""
    facets = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        column, _, value = item.partition("=")
        try:
            if not column.strip():
                raise ValueError(item)
            facets.append((column.strip(), float(value)))
        except ValueError:
            raise ConfigError(
                f"sensitive attribute {item!r} is not column=value; fix: correct the project's sensitive_attributes"
            ) from None
    return facets


def read_baseline(baseline_dir: Path) -> tuple[list[str], list[list[float]]]:
    """The feature names and rows of the baseline split (features only, header first)."""
    files = sorted(baseline_dir.glob("*.csv"))
    if not files:
        raise ConfigError(f"no baseline CSV under {baseline_dir}; fix: run preprocessing first")
    with files[0].open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [[float(value) for value in row] for row in rows[1:] if row]


def shap_baseline(rows: list[list[float]]) -> list[list[float]]:
    """One record of feature means: Kernel SHAP's reference point."""
    return [[round(sum(column) / len(column), 6) for column in zip(*rows, strict=True)]]


def predictor(instance_type: str) -> dict:
    """How Clarify calls the model (a shadow endpoint of it): CSV in, one probability out."""
    return {
        "content_type": "text/csv",
        "accept_type": "text/csv",
        "instance_type": instance_type,
        "initial_instance_count": 1,
    }


def facet_config(features: list[str], facets: list[tuple[str, float]]) -> list[dict]:
    for column, _ in facets:
        if column not in features:
            encoded = any(name.startswith(f"{column}_") for name in features)
            hint = " (a text column, one-hot encoded by preprocessing)" if encoded else ""
            raise ConfigError(
                f"sensitive attribute {column} is not a numeric feature of the training data{hint}; "
                f"fix: name a 0/1 or numeric column of: {', '.join(features)}"
            )
    return [{"name_or_index": column, "value_or_threshold": [value]} for column, value in facets]


def configs(
    features: list[str],
    rows: list[list[float]],
    label: str,
    facets: list[tuple[str, float]],
    instance_type: str,
) -> dict[str, dict]:
    """Every configuration file, by its path under the output directory."""
    headers = [label, *features]  # the test split's layout: label first
    shap = {
        "shap": {
            "baseline": shap_baseline(rows),
            "num_samples": SHAP_SAMPLES,
            "agg_method": "mean_abs",
            "use_logit": False,
            "save_local_shap_values": False,
        }
    }
    written: dict[str, dict[str, object]] = {
        "explainability/analysis_config.json": {
            "dataset_type": "text/csv",
            "headers": headers,
            "label": label,
            "methods": {**shap, "report": REPORT},
            "predictor": predictor(instance_type),
        },
        "explainability/monitoring_config.json": {
            "methods": shap,
            "predictor": predictor(instance_type),
            "headers": features,
        },
    }
    if facets:
        bias: dict[str, object] = {
            "label": label,
            "label_values_or_threshold": [1],
            "facet": facet_config(features, facets),
        }
        written["bias/analysis_config.json"] = {
            "dataset_type": "text/csv",
            "headers": headers,
            **bias,
            "probability_threshold": 0.5,
            "methods": {"post_training_bias": {"methods": "all"}, "report": REPORT},
            "predictor": predictor(instance_type),
        }
        written["bias/monitoring_config.json"] = {**bias, "headers": headers}
    return written


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-dir", type=Path, default=Path("/opt/ml/processing/input/baseline"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/output"))
    parser.add_argument("--label-column", default="churned")
    parser.add_argument("--sensitive-attributes", default="", help="column=value,... (empty: no bias check)")
    parser.add_argument("--instance-type", default="ml.m5.large", help="of Clarify's shadow endpoint")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        facets = parse_facets(args.sensitive_attributes)
        features, rows = read_baseline(args.baseline_dir)
        written = configs(features, rows, args.label_column, facets, args.instance_type)
    except ConfigError as error:
        sys.exit(f"clarify_config: {error}")
    for path, document in written.items():
        target = args.output_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, indent=2) + "\n")
    if not facets:
        print("clarify_config: no sensitive attribute configured for this project: the bias check is skipped")
    print(f"clarify_config: wrote {', '.join(sorted(written))}")


if __name__ == "__main__":
    main()
