"""Studio as each persona's lifecycle configuration leaves it, rendered from the synthesized
templates as CloudFormation would deploy it (the `scripts` and `studio_homes` fixtures of conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from cfn.assembly import SynthesizedStack
from compliance.iam.resolve import AssemblyValues
from platform_config.naming import PERSONA_MARKS
from tests.templates import resources

PERSONAS = ("data-engineer", "data-scientist", "mlops-engineer", "compliance-officer")
# The longest values CloudFormation puts where the tokens are (a key ARN with a 36-character id,
# 17-hex-digit subnet and security group ids): the content must fit with these.
LONGEST = {
    re.compile(r"subnet-([A-Za-z0-9]+)"): ("subnet-", 17),
    re.compile(r"sg-([A-Za-z0-9]+)"): ("sg-", 17),
    re.compile(r":key/([A-Za-z0-9]+)"): (":key/", 36),
}


def realistic(script: str) -> str:
    """The resolver's stand-ins (`subnet-<logical id>`) at the length of real identifiers, still
    distinct and still naming their resource."""
    for stand_in, (prefix, length) in LONGEST.items():
        script = stand_in.sub(lambda m, p=prefix, n=length: p + (m.group(1) + "0" * n)[:n], script)
    return script


def studio_stack(synthesized) -> SynthesizedStack:
    return synthesized["dev/Studio"]


def lifecycle_configs(synthesized) -> dict[str, dict]:
    """Persona -> its StudioLifecycleConfig resource."""
    found = resources(studio_stack(synthesized).template, "AWS::SageMaker::StudioLifecycleConfig")
    return {persona_of(r["Properties"]["StudioLifecycleConfigName"]): r for r in found.values()}


PERSONA_OF_MARK = {mark: persona for persona, mark in PERSONA_MARKS.items()}


def persona_of(config_name: str) -> str:
    """The persona a lifecycle configuration `<platform>-<mark>-<hash>` is for."""
    return PERSONA_OF_MARK[config_name.rsplit("-", 2)[1]]


def rendered_scripts(synthesized) -> dict[str, str]:
    """Persona -> its lifecycle script, with every CloudFormation value rendered as deployed."""
    values = AssemblyValues(list(synthesized.values()))
    stack = studio_stack(synthesized)
    rendered = {}
    for persona, resource in lifecycle_configs(synthesized).items():
        content = resource["Properties"]["StudioLifecycleConfigContent"]
        ((function, inner),) = content.items()
        assert function == "Fn::Base64", "the content is base64, encoded by CloudFormation"
        rendered[persona] = realistic(values.render(stack, inner))
    return rendered


def run_script(script: str, home: Path, tmp_path: Path) -> None:
    """Runs the lifecycle script as the JupyterLab user (not root) with `home` as its home."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    (fake_bin / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake_bin / "id").chmod(0o755)
    (tmp_path / "lcc.sh").write_text(script)
    env = {"HOME": str(home), "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(tmp_path / "lcc.sh")], env=env, check=True, capture_output=True)


def studio_homes(scripts, tmp_path_factory) -> dict[str, Path]:
    """Persona -> a home directory as its lifecycle configuration leaves it."""
    homes = {}
    for persona, script in scripts.items():
        work = tmp_path_factory.mktemp(persona)
        home = work / "home"
        home.mkdir()
        run_script(script, home, work)
        homes[persona] = home
    return homes
