"""The projects the promotion functions serve, as the constructs hand them over: to the rules and
policies by the platform's name prefix (the same size at any project count), to the functions as
the `projects.json` they read at cold start (`runtime/projects.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PromotedProject:
    name: str
    group: str  # its model package group
    pipeline: str  # its promotion pipeline


@dataclass(frozen=True)
class PromotionProjects:
    platform: str
    projects: tuple[PromotedProject, ...]

    @property
    def prefix(self) -> str:
        """What every group and promotion pipeline name starts with (the config makes it so)."""
        return f"{self.platform}-"

    def function_data(self) -> dict[str, Any]:
        """The functions' data files: `projects.json`."""
        return {
            "projects.json": {
                "projects": {
                    p.name: {"model_package_group": p.group, "promotion_pipeline": p.pipeline}
                    for p in self.projects
                }
            }
        }
