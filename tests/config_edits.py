"""Broken (and edge-valid) copies of the example config, and the one line loading one says."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from platform_config import ConfigError, PlatformConfig, load_config
from tests.conftest import EXAMPLE_CONFIG

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
