"""The projects the promotion functions serve, read once at cold start from `projects.json`, which
the construct writes beside the handlers: one entry per project is data in the code, not in the
environment (Lambda caps it at 4 KB, which 50 projects' names exceed).

    {"projects": {"churn": {"model_package_group": "mlplatform-churn",
                            "promotion_pipeline": "mlplatform-churn-promotion"}}}

PROJECTS_FILE names another file (the tests' own).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FILE = "projects.json"
EXAMPLE = (
    '{"projects": {"churn": {"model_package_group": "mlplatform-churn", '
    '"promotion_pipeline": "mlplatform-churn-promotion"}}}'
)


class ConfigurationError(Exception):
    """The function is deployed with bad settings: a deployment bug, so it fails loudly."""


@dataclass(frozen=True)
class Project:
    name: str
    group: str  # its model package group
    pipeline: str  # its promotion pipeline


def load_projects() -> list[Project]:
    """Every project of the file; a missing, unreadable or malformed file raises ConfigurationError."""
    path = Path(os.environ.get("PROJECTS_FILE") or Path(__file__).with_name(FILE))
    where = f"the projects file {path} (PROJECTS_FILE, default {FILE} beside the handler)"
    try:
        projects = json.loads(path.read_text(encoding="utf-8"))["projects"]
        found = [
            Project(name, entry["model_package_group"], entry["promotion_pipeline"])
            for name, entry in projects.items()
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigurationError(f"{where} must hold JSON like {EXAMPLE}: {error!r}") from None
    if not found or not all(isinstance(v, str) and v for p in found for v in (p.name, p.group, p.pipeline)):
        raise ConfigurationError(f"{where} must name at least one project, each with non-empty names")
    return found
