"""The operator commands in Studio: the wheel the deployment uploads is reproducible, holds only the
commands' packages, installs offline into a fresh venv the way the README says and runs there; and
only the documented personas may read it, no platform role but the upload may change it."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from compliance.iam.workflows import OPERATORS, personas
from ml_constructs.operator_commands import build_wheel, wheel
from platform_config import naming
from tests.cli_fakes import aws_environment
from tests.test_operator_commands import PACKAGES, SCRIPTS
from tooling.synth import ROOT

CONFIG = ROOT / "config" / "example.toml"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_wheel_holds_the_commands_packages_and_their_metadata_only():
    with zipfile.ZipFile(wheel()) as archive:
        names = archive.namelist()
        entry_points = archive.read("mlp_operator_commands-1.0.0.dist-info/entry_points.txt").decode()
        metadata = archive.read("mlp_operator_commands-1.0.0.dist-info/METADATA").decode()
    assert {name.split("/")[0] for name in names} == {*PACKAGES, "mlp_operator_commands-1.0.0.dist-info"}
    assert "platform_config/container_images.json" in names  # data the config's validation reads
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert all(f"{name} = {target}" in entry_points for name, target in SCRIPTS.items())
    assert "Requires-Python: >=3.11" in metadata
    assert "Requires-Dist: boto3>=1.34" in metadata


def checkout(tmp_path: Path, name: str) -> Path:
    """The tracked files of the project, copied as another machine's checkout would have them: new
    modification times, group-writable files."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    copy = tmp_path / name
    for path in listed.split():
        if (ROOT / path).is_file():
            (copy / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / path, copy / path)
            (copy / path).chmod(0o664)
    return copy


def test_the_wheel_is_the_same_byte_for_byte_from_another_checkout(tmp_path, monkeypatch):
    """Whatever the files' times and modes and the SOURCE_DATE_EPOCH a machine sets; the negative
    control: one changed line of code changes it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    copy = checkout(tmp_path, "other")
    (tmp_path / "out").mkdir()
    assert build_wheel(copy, tmp_path / "out").read_bytes() == wheel().read_bytes()
    cli = copy / "promotion_cli" / "cli.py"
    cli.write_text(cli.read_text() + "\n# changed\n")
    (tmp_path / "changed").mkdir()
    assert build_wheel(copy, tmp_path / "changed").read_bytes() != wheel().read_bytes()


def fresh_venv(tmp_path: Path, *, image_packages: bool) -> Path:
    """A new venv of the base Python. `image_packages`: it sees this venv's site-packages, as a Studio
    venv made with --system-site-packages sees the image's boto3 and pydantic (and nothing of this
    repository: its packages are mapped into this venv by name only). Without a pip of its own:
    installing one (ensurepip) took most of each test; `pip_install` brings this venv's."""
    venv = tmp_path / "studio-venv"
    subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True
    )
    if image_packages:
        site = next(venv.glob("lib/python3.*/site-packages"))
        (site / "image.pth").write_text(next(Path(sys.prefix).glob("lib/python3.*/site-packages")).as_posix())
    return venv


def shell(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run as in a Studio terminal without credentials: from the home directory, no network needed."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **aws_environment(tmp_path, credentials=False)}
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def pip_install(venv: Path, package: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The README's install (`pip install -q --no-index`): offline, against what the environment
    already has. The pip is this venv's, run with `--python` on the fresh venv's interpreter: it
    resolves and installs into that venv as the venv's own pip would."""
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    return shell([*pip, "install", "-q", "--no-index", str(package)], tmp_path)


def test_the_wheel_installs_offline_into_a_fresh_venv_and_the_commands_run_there(tmp_path):
    venv = fresh_venv(tmp_path, image_packages=True)
    installed = pip_install(venv, wheel(), tmp_path)
    assert installed.returncode == 0, installed.stderr
    for name in SCRIPTS:
        done = shell([str(venv / "bin" / name), "--help"], tmp_path)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        assert done.stdout.startswith(f"usage: {name} ")
    dry_run = [str(venv / "bin" / "mlp-promote"), "--config", str(CONFIG), "approve", "churn", "4"]
    done = shell([*dry_run, "--comment", "ok", "--dry-run"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("dry run, nothing changed: would call sagemaker UpdateModelPackage")


def test_a_wheel_without_a_package_the_commands_import_fails_there(tmp_path):
    """Negative control: the same install of a wheel that leaves out platform_config."""
    copy = checkout(tmp_path, "broken")
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"platform_config", ', ""))
    (tmp_path / "out").mkdir()
    broken = build_wheel(copy, tmp_path / "out")
    venv = fresh_venv(tmp_path, image_packages=True)
    assert pip_install(venv, broken, tmp_path).returncode == 0
    done = shell([str(venv / "bin" / "mlp-promote"), "--help"], tmp_path)
    assert done.returncode != 0 and "No module named 'platform_config'" in done.stderr


def test_without_boto3_and_pydantic_the_offline_install_says_so(tmp_path):
    """Negative control: `--no-index` checks the dependencies against what is there, and names them."""
    venv = fresh_venv(tmp_path, image_packages=False)
    installed = pip_install(venv, wheel(), tmp_path)
    assert installed.returncode != 0
    assert re.search(r"No matching distribution found for (boto3|pydantic)", installed.stderr), (
        installed.stderr
    )


def test_the_readme_and_the_outputs_name_the_wheel_the_deployment_uploads(synthesized):
    uri = synthesized["dev/Studio"].template["Outputs"]["OperatorCommandsWheel"]["Value"]
    assert (
        uri
        == f"s3://mlplatform-model-artifacts-111111111111/{naming.OPERATOR_COMMANDS_PREFIX}/{wheel().name}"
    )
    assert uri in README
    assert f"pip install -q --no-index ~/platform/{wheel().name}" in README


# who may read it, who may change it


WRITES = ("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion")


def allowed(iam_model, principals: dict, action: str, arn: str) -> list[str]:
    return sorted(
        name for name, principal in principals.items() if iam_model.decide(principal, action, arn).allowed
    )


@pytest.fixture(scope="module")
def every_role(iam_model) -> dict:
    """Every role of the platform, in every account, by name."""
    return {role.name: role.principal for role in iam_model.roles.values()}


@pytest.fixture(scope="module")
def upload_role(iam_model) -> str:
    [name] = iam_model.physical_names("dev-Studio", "AWS::IAM::Role", "OperatorCommandsUploadRole")
    return name


def test_only_the_documented_personas_and_the_upload_read_the_wheel(
    iam_model, platform, every_role, upload_role
):
    """The personas the README names (each also has the workflow "install the operator commands")."""
    wheel_arn = personas.operator_commands_wheel(platform)
    documented = sorted(naming.persona_role(platform.name, persona) for persona in OPERATORS)
    assert allowed(iam_model, every_role, "s3:GetObject", wheel_arn) == sorted([*documented, upload_role])


@pytest.mark.parametrize("action", WRITES)
def test_no_platform_role_but_the_upload_changes_the_wheel(
    action, iam_model, platform, every_role, upload_role
):
    """Whoever could replace it would run code as the compliance officer: approve through it."""
    assert allowed(iam_model, every_role, action, personas.operator_commands_wheel(platform)) == (
        [upload_role] if action == "s3:PutObject" else []
    )


def test_without_the_guard_the_mlops_engineer_could_replace_it(iam_model, platform):
    """Negative control: the MLOps engineer's own policy writes the whole artifacts bucket; the
    guard's deny is what stops it here."""
    mlops = iam_model.role(naming.persona_role(platform.name, "mlops-engineer")).principal
    unguarded = dataclasses.replace(
        mlops,
        identity=tuple(
            d for d in mlops.identity if "OnlyTheDeploymentChangesTheOperatorCommands" not in str(d)
        ),
    )
    wheel_arn = personas.operator_commands_wheel(platform)
    assert not iam_model.decide(mlops, "s3:PutObject", wheel_arn).allowed
    assert iam_model.decide(unguarded, "s3:PutObject", wheel_arn).allowed


def test_the_workflows_name_the_wheel_the_build_makes(platform):
    assert personas.operator_commands_wheel(platform).endswith(f"/{wheel().name}")
