"""Issue 15: each persona's Studio lifecycle configuration, as CloudFormation will deploy it, writes a
SageMaker SDK defaults file the pinned SDK reads, and the jobs the SDK then builds run in the VPC,
encrypted with the platform's keys, as the persona's role, tagged."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from cfn.assembly import SynthesizedStack
from compliance.iam.resolve import AssemblyValues
from ml_constructs.studio_starters import MAX_CONTENT, STARTERS_DIR, bundle
from ml_constructs.studio_starters.sdk_defaults import SCHEMA_VERSION
from tests.templates import resources

PERSONAS = ("data-engineer", "data-scientist", "mlops-engineer", "compliance-officer")
# The longest values CloudFormation can put where the tokens are (a key ARN with a 36-character id,
# 17-character subnet and group ids, a role ARN of 64 characters): the content must fit with these.
LONGEST = {
    re.compile(r"subnet-[A-Za-z0-9]+"): "subnet-0123456789abcdef0",
    re.compile(r"sg-[A-Za-z0-9]+"): "sg-0123456789abcdef0",
    re.compile(r":key/[A-Za-z0-9]+"): ":key/01234567-89ab-cdef-0123-456789abcdef",
}


def studio_stack(synthesized) -> SynthesizedStack:
    return synthesized["dev/Studio"]


def lifecycle_configs(synthesized) -> dict[str, dict]:
    """Persona -> its StudioLifecycleConfig resource."""
    found = resources(studio_stack(synthesized).template, "AWS::SageMaker::StudioLifecycleConfig")
    return {r["Properties"]["StudioLifecycleConfigName"].split("-")[1]: r for r in found.values()}


MARKS = {"de": "data-engineer", "ds": "data-scientist", "mlops": "mlops-engineer", "co": "compliance-officer"}


@pytest.fixture(scope="module")
def scripts(synthesized) -> dict[str, str]:
    """Persona -> its lifecycle script, with every CloudFormation value rendered as deployed."""
    values = AssemblyValues(list(synthesized.values()))
    stack = studio_stack(synthesized)
    rendered = {}
    for mark, resource in lifecycle_configs(synthesized).items():
        content = resource["Properties"]["StudioLifecycleConfigContent"]
        ((function, inner),) = content.items()
        assert function == "Fn::Base64", "the content is base64, encoded by CloudFormation"
        script = values.render(stack, inner)
        # The resolver's stand-ins (subnet-<logical id>) become the longest real identifiers.
        for stand_in, longest in LONGEST.items():
            script = stand_in.sub(longest, script)
        rendered[MARKS[mark]] = script
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


@pytest.fixture(scope="module")
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


def test_every_persona_profile_defaults_to_its_lifecycle_config(synthesized, example_config):
    configs = resources(studio_stack(synthesized).template, "AWS::SageMaker::StudioLifecycleConfig")
    by_id = {r["Properties"]["StudioLifecycleConfigName"]: i for i, r in configs.items()}
    assert len(configs) == len(PERSONAS)
    assert {r["Properties"]["StudioLifecycleConfigAppType"] for r in configs.values()} == {"JupyterLab"}
    profiles = resources(studio_stack(synthesized).template, "AWS::SageMaker::UserProfile")
    personas = {p.name: p.persona for p in example_config.people}
    for profile in profiles.values():
        properties = profile["Properties"]
        persona = personas[properties["UserProfileName"]]
        jupyter = properties["UserSettings"]["JupyterLabAppSettings"]
        default = jupyter["DefaultResourceSpec"]["LifecycleConfigArn"]
        (logical_id, attribute) = default["Fn::GetAtt"]
        name = configs[logical_id]["Properties"]["StudioLifecycleConfigName"]
        assert attribute == "StudioLifecycleConfigArn"
        assert MARKS[name.split("-")[1]] == persona, f"{properties['UserProfileName']} gets {name}"
        assert jupyter["LifecycleConfigArns"] == [default], "the default must also be listed"
        assert by_id[name] == logical_id


def test_content_fits_the_limit_with_the_longest_values(scripts):
    for persona, script in scripts.items():
        size = len(base64.b64encode(script.encode()))
        assert size <= MAX_CONTENT, f"{persona}: {size} base64 characters, over {MAX_CONTENT}"


def sdk_config(home: Path) -> dict:
    return json.loads((home / ".config/sagemaker/config.yaml").read_text())


def test_the_pinned_sdk_reads_the_written_defaults(studio_homes, monkeypatch):
    from sagemaker.core.config.config import load_sagemaker_config

    for persona, home in studio_homes.items():
        path = home / ".config/sagemaker/config.yaml"
        monkeypatch.setenv("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", str(path))
        monkeypatch.setenv("SAGEMAKER_USER_CONFIG_OVERRIDE", str(path))
        loaded = load_sagemaker_config()  # validates against the SDK's schema
        assert loaded["SchemaVersion"] == SCHEMA_VERSION
        session = loaded["SageMaker"]["PythonSDK"]["Modules"]["Session"]
        assert session["DefaultS3ObjectKeyPrefix"] == f"studio/{persona}"


def test_each_persona_gets_its_starter(studio_homes, example_config):
    for persona, home in studio_homes.items():
        starters = home / STARTERS_DIR
        notebook = json.loads((starters / f"{persona.replace('-', '_')}.ipynb").read_text())
        code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert "platform_context" in code
        context = json.loads((starters / "context.json").read_text())
        assert context["persona"] == persona
        assert context["projects"][0]["pii_columns"] == list(example_config.projects[0].pii_columns)
        for path in bundle.JOB_FILES[persona]:
            assert (starters / path).read_bytes() == bundle.JOB_FILES[persona][path].read_bytes()


def test_percent_format_becomes_the_same_cells():
    source = "# %% [markdown]\n# # Title\n# text\n\n# %%\nx = 1\n\ny = x\n\n# %%\nprint(y)\n"
    notebook = json.loads(bundle.to_ipynb(source))
    assert [(c["cell_type"], "".join(c["source"])) for c in notebook["cells"]] == [
        ("markdown", "# Title\ntext"),
        ("code", "x = 1\n\ny = x"),
        ("code", "print(y)"),
    ]


def test_the_bundle_is_the_same_bytes_every_time():
    context = {"platform": "p", "projects": []}
    assert bundle.pack(bundle.files("data-engineer", context)) == bundle.pack(
        bundle.files("data-engineer", context)
    )
