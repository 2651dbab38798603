"""Configs with many projects, for the scale test and the synthesis benchmark: the example config
with its one project repeated under new names, each with everything on that grows per project
(retraining on drift, model-quality monitoring), so that limits are measured at their worst."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "example.toml"


def config_with_projects(count: int) -> str:
    """The example config's text with `count` copies of its project (`project01`, `project02`, ...)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, project = text.split("[[projects]]\n", 1)
    every_feature = "ground_truth_labels = true, retrain_on_drift = true }"  # on in the example
    if every_feature not in project:
        raise ValueError("the example's monitoring line changed: update tooling/scale.py")
    return head + "".join(
        "[[projects]]\n"
        + project.replace('name = "churn"', f'name = "project{i:02d}"').replace(
            '"mlplatform-churn"', f'"mlplatform-project{i:02d}"'
        )
        for i in range(1, count + 1)
    )
