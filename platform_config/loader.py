"""Reads the deployment's TOML file into a `PlatformConfig`, or fails with one actionable line."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from platform_config.schema import PlatformConfig


class ConfigError(Exception):
    """A config problem, worded as one line: the file, the key, what is wrong, and the fix."""


# Pydantic's own error types, reworded with the fix a platform team needs.
_FIXES = {
    "missing": "is missing; fix: add it",
    "extra_forbidden": "is not a known setting; fix: remove it or correct its spelling",
    "greater_than": "must be greater than {gt:g}; fix: use a positive number",
    "greater_than_equal": "must be at least {ge:g}; fix: use a larger number",
    "less_than_equal": "must be at most {le:g}; fix: use a smaller number",
    "too_short": "must not be empty; fix: add at least {min_length} entry",
    "string_type": "must be a string; fix: quote the value",
    "float_parsing": "must be a number; fix: write it without quotes",
    "float_type": "must be a number; fix: write it without quotes",
    "literal_error": "must be one of {expected}; fix: use one of those",
}


def _key(location: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts)


def _one_line(error: ErrorDetails) -> str:
    key = _key(error["loc"])
    if error["type"] == "value_error":
        # Our own validators already word the problem and the fix (and name the key, at top level).
        return f"{key}: {error['ctx']['error']}" if key else str(error["ctx"]["error"])
    template = _FIXES.get(error["type"])
    detail = template.format(**error.get("ctx", {})) if template else error["msg"]
    return f"{key} {detail}"


def load_config(path: str | Path) -> PlatformConfig:
    """Load and validate the file; raise `ConfigError` naming the first bad key and its fix."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; fix: copy config/example.toml and pass it with -c config=PATH"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix: correct the syntax there") from None
    try:
        return PlatformConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{path}: {_one_line(error.errors()[0])}") from None
