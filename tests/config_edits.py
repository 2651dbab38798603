"""Broken (and edge-valid) copies of the example config, the one line loading one says, and `app.py`
run on one as the CDK CLI runs it (or its `main()` in this process, as that run would go)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from aws_cdk import App

import app
from platform_config import ConfigError, PlatformConfig, load_config
from tests.conftest import EXAMPLE_CONFIG
from tooling.synth import ROOT, app_environment, cdk_app

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


def run_app(tmp_path: Path, text: str) -> tuple[subprocess.CompletedProcess, Path]:
    """`app.py` on a config of `text`, as the CDK CLI starts it; the result and its output folder."""
    config, outdir = tmp_path / "bad.toml", tmp_path / "cdk.out"
    config.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=app_environment(config, outdir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, outdir


def run_app_in_process(
    tmp_path: Path, text: str, context: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, Path]:
    """`app.py`'s `main()` on a config of `text`, here instead of in a new Python (2 s or more each, for
    the imports and jsii's Node.js): its app gets the context the CLI gives (`cdk_app`, `-c config=`,
    and `context` as more `-c`).
    The result is the one `run_app` would give: what `sys.exit` stops with is the exit status (a
    message: printed on stderr, status 1), after what `main()` printed on stderr."""
    config, outdir = tmp_path / "bad.toml", tmp_path / "cdk.out"
    config.write_text(text, encoding="utf-8")

    def new_app() -> App:
        cli_app = cdk_app(outdir)
        for key, value in {"config": str(config), **(context or {})}.items():
            cli_app.node.set_context(key, value)
        return cli_app

    stderr = io.StringIO()
    with (
        mock.patch.object(app, "new_app", new_app),
        contextlib.redirect_stderr(stderr),
        pytest.raises(SystemExit) as stopped,
    ):
        app.main()
    code = stopped.value.code
    if isinstance(code, str):
        print(code, file=stderr)
    returncode = code if isinstance(code, int) else int(code is not None)
    return subprocess.CompletedProcess(["app.py"], returncode, "", stderr.getvalue()), outdir
