"""The promotion pipeline's source: the serving templates this app synthesized for the project and
the step scripts, assembled in a folder that becomes the pipeline's source asset."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

STEPS = Path(__file__).parent / "steps"


def template_file(role: str) -> str:
    """Where the serving template of the test or prod account is, in the source artifact."""
    return f"{role}.template.json"


def assemble_source(folder: Path, serving_templates: Mapping[str, Path]) -> Path:
    """`folder`, emptied, with `steps/` and each `<role>.template.json`."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(
        STEPS, folder / "steps", ignore=shutil.ignore_patterns("__pycache__", "__init__.py", "make_*.py")
    )
    for role, template in serving_templates.items():
        shutil.copyfile(template, folder / template_file(role))
    return folder
