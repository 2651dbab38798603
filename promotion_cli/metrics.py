"""The key metrics of a model version, read from the model-quality JSON its package references.

The file follows SageMaker's model-quality statistics layout, e.g.
    {"binary_classification_metrics": {"auc": {"value": 0.91, "standard_deviation": 0.01}, ...}}
Any section of `{name: {"value": number}}` entries counts. The officer must see a package even when
its metrics are missing or unreadable, so every failure becomes a short note instead of an error.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from operator_cli.aws import Aws

SHOWN = 4


def read(aws: Aws, uri: str | None) -> dict[str, float] | str:
    """Metric name -> value, or a note saying why there is nothing to show."""
    if not uri:
        return "no metrics registered"
    location = urlparse(uri)
    if location.scheme != "s3" or not location.path.strip("/"):
        return f"metrics location {uri} is not an s3:// object"
    try:
        body = aws.client("s3").get_object(Bucket=location.netloc, Key=location.path.lstrip("/"))["Body"]
        document = json.loads(body.read())
    except ClientError as error:
        return f"metrics unreadable ({error.response['Error']['Code']})"
    except ValueError:
        return "metrics file is not JSON"
    if not isinstance(document, dict):
        return "metrics file holds no metrics"
    return {
        name: float(entry["value"])
        for section in document.values()
        if isinstance(section, dict)
        for name, entry in section.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("value"), (int, float))
        and not isinstance(entry["value"], bool)
    }


def summary(metrics: dict[str, float] | str, key_metric: str, minimum: float) -> str:
    """The project's quality metric against its bar first, then a few others, on one line."""
    if isinstance(metrics, str):
        return metrics
    if not metrics:
        return "metrics file holds no metrics"
    parts = []
    if key_metric in metrics:
        verdict = "meets" if metrics[key_metric] >= minimum else "BELOW"
        parts.append(f"{key_metric}={metrics[key_metric]:.4g} ({verdict} {minimum:g})")
    others = sorted(name for name in metrics if name != key_metric)
    parts += [f"{name}={metrics[name]:.4g}" for name in others[: SHOWN - len(parts)]]
    return ", ".join(parts)
