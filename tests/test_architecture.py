"""The code's shape, as rules that fail when broken: lower layers import nothing above them, stacks
only wire constructs, only the stage's mapping reads the config, and the README's picture of it all
is the app's (issue 10)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from platform_config import load_config
from tooling import architecture
from tooling.scale import config_with_projects
from tooling.synth import ROOT

# What each part of the platform may import of the platform (besides itself).
LAYERS = {
    "platform_config": set(),
    "cfn": set(),
    "operator_cli": {"platform_config"},
    "promotion_cli": {"platform_config", "operator_cli"},
    "lineage": {"platform_config", "operator_cli"},
    "labels": {"platform_config", "operator_cli"},
    "compliance": {"platform_config", "cfn"},
    "pipelines": {"platform_config"},
    "ml_constructs": {"platform_config", "cfn", "compliance", "pipelines"},
    "stacks": {"platform_config", "cfn", "compliance", "pipelines", "ml_constructs"},
}
# Code that runs in AWS (Lambda handlers, CodeBuild steps, SageMaker job scripts) imports only its
# own siblings: its folder is the deployed code.
RUNTIME = (
    "ml_constructs/*/runtime/*.py",
    "ml_constructs/promotion_pipeline/steps/*.py",
    "pipelines/scripts/*.py",
    # Studio's starter notebooks, their helper and their job scripts (ml_constructs/studio_starters).
    "notebooks/*.py",
    "notebooks/jobs/*.py",
)
PLATFORM = {*LAYERS, "tooling", "tests", "app"}
# The one module that turns the config into props, and the stage and app code that call it.
READS_CONFIG = {"stacks/from_config.py", "stacks/account_stage.py", "stacks/platform.py"}
# aws_cdk core names a stack may use: the stack itself, its synthesizer, parameters, conditions, outputs.
STACK_CORE = {
    "Stack",
    "Stage",
    "Environment",
    "DefaultStackSynthesizer",
    "CfnParameter",
    "CfnCondition",
    "CfnOutput",
    "CfnResource",
    "Fn",
}


def tracked(pattern: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [Path(path) for path in listed.stdout.split()]


def platform_imports(source: str) -> set[str]:
    """The platform's top-level packages a module imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found |= {name.split(".")[0] for name in names} & PLATFORM
    return found


def layering_problems(path: Path, source: str) -> list[str]:
    layer = path.parts[0]
    if any(path.match(pattern) for pattern in RUNTIME):
        allowed: set[str] = set()
    elif layer in LAYERS:
        allowed = LAYERS[layer] | {layer}
    else:
        return []
    return [f"{path} imports {name}" for name in sorted(platform_imports(source) - allowed)]


def test_lower_layers_import_nothing_above_them():
    problems = [p for path in tracked("*.py") for p in layering_problems(path, (ROOT / path).read_text())]
    assert problems == []


def test_a_layer_importing_upwards_is_caught():
    """Negative controls: the config importing a pipeline (as it once did), a handler importing config."""
    assert layering_problems(
        Path("platform_config/schema.py"), "from pipelines.definition import IMAGES_FILE"
    ) == ["platform_config/schema.py imports pipelines"]
    assert layering_problems(Path("ml_constructs/x/runtime/h.py"), "import platform_config.naming") == [
        "ml_constructs/x/runtime/h.py imports platform_config"
    ]
    assert layering_problems(Path("lineage/cli.py"), "from promotion_cli import gate") == [
        "lineage/cli.py imports promotion_cli"
    ]


def resources_defined(source: str) -> list[str]:
    """Classes a stack module instantiates from aws_cdk's service modules (`s3.Bucket(...)`), or
    aws_cdk core names beyond a stack's own (parameters, conditions, outputs)."""
    tree = ast.parse(source)
    services = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "aws_cdk"
        for alias in node.names
        if alias.name.startswith("aws_")
    }
    core = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "aws_cdk"
        for alias in node.names
        if not alias.name.startswith("aws_") and alias.name[0].isupper()
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in services:
            if func.attr[0].isupper():
                found.append(f"{func.value.id}.{func.attr}")
        elif (
            isinstance(func, ast.Name) and func.id in core - STACK_CORE and func.id not in ("Tags", "Aspects")
        ):
            found.append(func.id)
    return found


def test_stack_modules_define_no_resource_directly():
    assert {str(p): resources_defined((ROOT / p).read_text()) for p in tracked("stacks/*.py")} == {
        str(p): [] for p in tracked("stacks/*.py")
    }


def test_a_stack_defining_a_resource_is_caught():
    source = "from aws_cdk import aws_s3 as s3\nfrom aws_cdk import Duration\ns3.Bucket(self, 'Data')\nDuration.days(1)"
    assert resources_defined(source) == ["s3.Bucket"]


def names_config(source: str) -> bool:
    return any(
        isinstance(node, ast.Name | ast.alias) and "PlatformConfig" in ast.unparse(node)
        for node in ast.walk(ast.parse(source))
    )


@pytest.mark.parametrize("package", ["ml_constructs", "stacks"])
def test_no_construct_or_stack_takes_the_config(package):
    readers = [
        str(p)
        for p in tracked(f"{package}/*.py") + tracked(f"{package}/**/*.py")
        if names_config((ROOT / p).read_text())
    ]
    assert set(readers) <= READS_CONFIG


def test_a_construct_taking_the_config_is_caught():
    assert names_config("from platform_config import PlatformConfig\ndef f(config: PlatformConfig): ...")
    assert not names_config("from platform_config import naming")


def test_the_readme_shows_the_apps_own_picture(example_config):
    """Regenerate with `python -m tooling.architecture --readme` after changing stacks or constructs."""
    readme = architecture.README.read_text(encoding="utf-8")
    assert architecture.readme_picture(readme) == architecture.picture(example_config)


def test_a_stale_picture_is_caught(tmp_path):
    """Negative control: a second project adds stacks and groups the README does not show."""
    config = tmp_path / "two.toml"
    config.write_text(config_with_projects(2), encoding="utf-8")
    two = architecture.picture(load_config(config))
    readme = architecture.README.read_text(encoding="utf-8")
    assert "ModelPackageGroup ×2" in two
    assert architecture.readme_picture(readme) != two
    assert architecture.readme_picture(architecture.with_picture(readme, two)) == two
    assert architecture.readme_picture("# no picture here") is None
