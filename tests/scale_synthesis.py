"""The 50-project app, synthesized by `app.py` in a child process that starts as soon as the scale
tests are collected: it takes about 30 s of one core, which it spends beside the rest of the suite on
the other, instead of in front of the scale tests (the suite itself stays serial)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cfn.assembly import SynthesizedStack, read_assembly
from tooling.scale import config_with_projects
from tooling.synth import ROOT, app_environment

PROJECTS = 50


@dataclass
class Started:
    folder: tempfile.TemporaryDirectory
    process: subprocess.Popen

    @property
    def outdir(self) -> Path:
        return Path(self.folder.name) / "cdk.out"

    def stacks(self) -> list[SynthesizedStack]:
        """The synthesized stacks, once the child has finished; a failed synthesis fails the caller."""
        _, errors = self.process.communicate(timeout=900)
        assert self.process.returncode == 0, f"the {PROJECTS}-project synthesis failed:\n{errors}"
        return read_assembly(self.outdir)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.folder.cleanup()


STARTED = pytest.StashKey[Started]()


def start() -> Started:
    """`app.py` on the example config with PROJECTS projects, every check on, as `cdk synth` runs it."""
    folder = tempfile.TemporaryDirectory(prefix="scale-")
    config = Path(folder.name) / "projects.toml"
    config.write_text(config_with_projects(PROJECTS), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=app_environment(config, Path(folder.name) / "cdk.out"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Started(folder, process)
