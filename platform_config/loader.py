"""Reads the deployment's TOML file into a `PlatformConfig`, or fails with one actionable line."""

from __future__ import annotations

import difflib
import tomllib
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from platform_config.schema import PlatformConfig


class ConfigError(Exception):
    """A config problem, worded as one line: the file, the key, what is wrong, and the fix."""


# Every error type pydantic raises for this schema from TOML values (tests/test_config_errors.py
# provokes each), worded as the TOML the key takes and the fix; pydantic's own words never show.
_FIXES = {
    "missing": "is missing; fix: add it",
    "extra_forbidden": "is not a known setting; fix: remove it or correct its spelling",
    "model_type": "must be a table of settings; fix: write it as a [section] or an inline {{ key = value }} table",
    "tuple_type": "must be an array; fix: write it as [ ... ] (or as [[sections]] for tables)",
    "string_type": "must be a string; fix: quote the value",
    "int_type": "must be a whole number; fix: write it without quotes or decimals",
    "int_parsing": "must be a whole number; fix: write it without quotes or decimals",
    "int_from_float": "must be a whole number; fix: drop the decimals",
    "float_type": "must be a number; fix: write it without quotes",
    "float_parsing": "must be a number; fix: write it without quotes",
    "finite_number": "must be a finite number; fix: replace inf or nan with a number",
    "bool_type": "must be true or false; fix: write true or false, without quotes",
    "bool_parsing": "must be true or false; fix: write true or false, without quotes",
    "literal_error": "must be one of {expected}; fix: use one of those",
    "greater_than": "must be greater than {gt:g}; fix: use a positive number",
    "greater_than_equal": "must be at least {ge:g}; fix: use a larger number",
    "less_than": "must be less than {lt:g}; fix: use a smaller number",
    "less_than_equal": "must be at most {le:g}; fix: use a smaller number",
    "too_short": "must not be empty; fix: add at least {min_length} entry",
    "string_too_short": "must not be empty; fix: write a value between the quotes",
    "string_too_long": "must be at most {max_length} characters; fix: shorten it",
    # the one pattern in the schema: ColumnName, a column of the data as CSV, Parquet and Clarify name it
    "string_pattern_mismatch": "is not a column name; fix: use letters, digits, _ . or -, starting with a letter or _",
}


def _key(location: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts)


def _model_at(location: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The settings model at `location` (a section, or an entry of an array of tables)."""
    model: type[BaseModel] = PlatformConfig
    for part in location:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        inner = [
            t
            for t in (annotation, *typing.get_args(annotation))
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        if not inner:
            return None
        model = inner[0]
    return model


def _spelling_hint(location: tuple[str | int, ...]) -> str:
    """` to 'egress'`: the known setting closest to a misspelt one, if any is close."""
    model = _model_at(location[:-1])
    close = difflib.get_close_matches(str(location[-1]), list(model.model_fields) if model else [], n=1)
    return f" to '{close[0]}'" if close else ""


def _misspelt_section(missing: ErrorDetails, errors: list[ErrorDetails]) -> str | None:
    """A required key reported missing next to an unknown one spelt like it or like a section above it
    (`[acounts.dev]` leaves `accounts.dev` missing, `[[project]]` leaves `projects` missing)."""
    location = missing["loc"]
    for depth in range(len(location)):
        parent, name = location[:depth], str(location[depth])
        unknown = [
            str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden" and e["loc"][:-1] == parent
        ]
        close = difflib.get_close_matches(name, unknown, n=1)
        if close:
            found = _key((*parent, close[0]))
            return (
                f"{found} is not a known setting, and {_key(location)} is missing; "
                f"fix: rename {found} to {_key((*parent, name))}"
            )
    return None


def _one_line(errors: list[ErrorDetails]) -> str:
    error = errors[0]
    key = _key(error["loc"])
    if error["type"] == "value_error":
        # Our own validators already word the problem and the fix (and name the key, at top level).
        return f"{key}: {error['ctx']['error']}" if key else str(error["ctx"]["error"])
    if error["type"] == "missing":
        misspelt = _misspelt_section(error, errors)
        if misspelt:
            return misspelt
    template = _FIXES.get(error["type"])
    if template is None:  # a type the schema's tests never provoked: still one line, still a fix
        return f"{key} is not valid ({error['msg']}); fix: compare it with config/example.toml"
    detail = template.format(**error.get("ctx", {}))
    if error["type"] == "tuple_type" and _model_at(error["loc"]):
        detail = f"must be an array of tables; fix: write each entry as a [[{error['loc'][-1]}]] section"
    if error["type"] == "extra_forbidden":
        detail += _spelling_hint(error["loc"])
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
        raise ConfigError(f"{path}: {_one_line(error.errors())}") from None
