"""Broken (and edge-valid) copies of the example config, the one line loading one says, and `app.py`
run on one as the CDK CLI runs it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from platform_config import ConfigError, PlatformConfig, load_config
from tests.conftest import EXAMPLE_CONFIG
from tooling.synth import ROOT, app_environment

EXAMPLE = EXAMPLE_CONFIG.read_text(encoding="utf-8")


def edit(old: str, new: str, text: str = EXAMPLE) -> str:
    assert old in text, f"the example config no longer contains {old!r}"
    return text.replace(old, new, 1)


def _load(text: str) -> PlatformConfig:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deployment.toml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)


def loads(text: str) -> PlatformConfig:
    return _load(text)


def refusal(text: str) -> str:
    """The message refusing `text`, without the file's path; it must be one line with a fix."""
    with pytest.raises(ConfigError) as raised:
        _load(text)
    message = str(raised.value).split(": ", 1)[1]
    assert "\n" not in message
    assert "; fix: " in message, message
    return message


def run_app(
    tmp_path: Path, text: str, context: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, Path]:
    """`app.py` on a config of `text` (and more `-c` context), as the CDK CLI starts it; the result and
    its output folder."""
    config, outdir = tmp_path / "bad.toml", tmp_path / "cdk.out"
    config.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=app_environment(config, outdir, **(context or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, outdir
