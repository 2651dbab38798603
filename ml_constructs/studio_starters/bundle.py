"""What a persona finds in Studio, as files: its starter notebook (made from the percent-format `.py`
kept in `notebooks/`), the helper it imports, the job scripts it runs (the pipeline's own scripts,
shipped as they are, never copied in the repository), and the platform's names (`context.json`).

Packed as a deterministic `.tar.gz` (sorted, zero times and owners, no gzip time), so the lifecycle
configuration's content changes only when a file does.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCRIPTS = ROOT / "pipelines" / "scripts"
CONTEXT_FILE = "context.json"
HELPER = "platform_context.py"

# Beside each notebook: the job scripts it runs or imports, by their path in the bundle.
JOB_FILES: Mapping[str, Mapping[str, Path]] = {
    "data-engineer": {
        "jobs/to_parquet.py": NOTEBOOKS / "jobs" / "to_parquet.py",
        "jobs/preprocess.py": SCRIPTS / "preprocess.py",
    },
    # The data scientist reads the pipeline's scripts where the pipeline does (CodeUri).
    "data-scientist": {"jobs/train.py": NOTEBOOKS / "jobs" / "train.py"},
    "mlops-engineer": {},
    "compliance-officer": {},
}


def notebook_source(persona: str) -> Path:
    return NOTEBOOKS / f"{persona.replace('-', '_')}.py"


def to_ipynb(source: str) -> str:
    """A Jupyter notebook (nbformat 4) of a percent-format script: `# %%` starts a code cell,
    `# %% [markdown]` a markdown cell whose lines lose their leading `# `. Studio opens it as a
    notebook without the jupytext extension."""
    cells: list[dict[str, Any]] = []
    for chunk in ("\n" + source).split("\n# %%")[1:]:
        header, _, body = chunk.partition("\n")
        lines = body.strip("\n").splitlines()
        if header.strip() == "[markdown]":
            text = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
            cells.append({"cell_type": "markdown", "metadata": {}, "source": _lines(text)})
        else:
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": _lines(lines),
                }
            )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    return json.dumps(notebook, sort_keys=True, separators=(",", ":")) + "\n"


def _lines(lines: list[str]) -> list[str]:
    return [line + "\n" for line in lines[:-1]] + lines[-1:]


def files(persona: str, context: Mapping[str, Any]) -> dict[str, bytes]:
    """The persona's starter files by path: notebook, helper, job scripts, context."""
    name = notebook_source(persona).stem
    found = {
        f"{name}.ipynb": to_ipynb(notebook_source(persona).read_text(encoding="utf-8")).encode(),
        HELPER: (NOTEBOOKS / HELPER).read_bytes(),
        CONTEXT_FILE: (json.dumps({**context, "persona": persona}, indent=1, sort_keys=True) + "\n").encode(),
    }
    found.update({path: source.read_bytes() for path, source in JOB_FILES[persona].items()})
    return found


def pack(contents: Mapping[str, bytes]) -> bytes:
    """A gzipped tar of `contents`, the same bytes for the same files on every machine."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(contents):
            data = contents[path]
            info = tarfile.TarInfo(path)  # mode 0644, time 0, owner 0: the same on every machine
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0, compresslevel=9) as zipped:
        zipped.write(archive.getvalue())
    return packed.getvalue()
