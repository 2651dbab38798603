"""The operators' commands as installed: `make` puts `mlp-promote` and `mlp-lineage` in .venv/bin
(pyproject.toml's console scripts), they run from any directory with no AWS setup, every mistake is
one line, and every flag a message tells the user to pass is a flag the command has."""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import re
import subprocess
import sysconfig
import tomllib
from pathlib import Path

import pytest

from labels import cli as labels_cli
from lineage import cli as lineage_cli
from promotion_cli import cli as promotion_cli
from tests.cli_fakes import assert_one_line_error, aws_environment
from tooling.synth import ROOT

CONFIG = ROOT / "config" / "example.toml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SCRIPTS: dict[str, str] = PYPROJECT["project"]["scripts"]
# The commands' own packages, and what they import of the platform: all the installed project holds.
PACKAGES = ["labels", "lineage", "operator_cli", "platform_config", "promotion_cli"]


def script_problems(scripts: dict[str, str]) -> list[str]:
    """Each console script calls a tool's `main`, and the tool calls itself by the script's name (its
    help and usage fixes say it)."""
    problems = []
    for name, target in scripts.items():
        module_name, _, function = target.partition(":")
        module = importlib.import_module(module_name)
        if getattr(module, function, None) is not getattr(module, "main", object()):
            problems.append(f"{name}: {target} is not the tool's main")
        if getattr(getattr(module, "TOOL", None), "prog", None) != name:
            problems.append(f"{name}: {module_name}.TOOL.prog is not {name!r}")
    return problems


def test_the_console_scripts_are_the_tools_by_their_own_names():
    assert SCRIPTS == {
        "mlp-promote": "promotion_cli.cli:main",
        "mlp-lineage": "lineage.cli:main",
        "mlp-labels": "labels.cli:main",
    }
    assert script_problems(SCRIPTS) == []


def test_a_script_naming_another_function_or_tool_is_caught():
    """Negative control: a script calling the wrong function, a script whose tool goes by another name."""
    assert script_problems(
        {"mlp-promote": "promotion_cli.cli:parser", "mlp-approve": "promotion_cli.cli:main"}
    ) == [
        "mlp-promote: promotion_cli.cli:parser is not the tool's main",
        "mlp-approve: promotion_cli.cli.TOOL.prog is not 'mlp-approve'",
    ]


def test_the_build_backend_is_the_locked_one():
    """Installs run without build isolation: the backend is what requirements.txt pins, nothing fetched."""
    pins = re.findall(r"^(hatchling==\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert PYPROJECT["build-system"]["requires"] == pins


# the installed commands, run as a shell would


BIN = Path(sysconfig.get_path("scripts"))


def run(command: list[str], tmp_path: Path, *, credentials: bool = False) -> subprocess.CompletedProcess:
    """In an empty directory, with no AWS config, profile or credentials of this machine."""
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        **aws_environment(tmp_path, credentials=credentials),
    }
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_venv_has_each_command_and_its_help_exits_0(name, tmp_path):
    done = run([str(BIN / name), "--help"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"usage: {name} ")


@pytest.mark.parametrize(
    ("command", "fragments"),
    [
        (
            ["mlp-promote", "--config", str(CONFIG), "pending", "fraud"],
            ["unknown project 'fraud'", "use one of: churn"],
        ),
        (
            ["mlp-promote", "--config", str(CONFIG), "promote", "churn"],
            ["invalid choice: 'promote'", "mlp-promote --help"],
        ),
        (["mlp-promote", "--nonsense"], ["required: --config", "see `mlp-promote --help`"]),
        (["mlp-lineage", "--config", str(CONFIG), "--project", "fraud"], ["unknown project 'fraud'"]),
        (["mlp-lineage", "--config", str(CONFIG)], ["one of the arguments --endpoint --project is required"]),
        (["mlp-lineage", "--config", "nope.toml", "--project", "churn"], ["nope.toml: no such config file"]),
    ],
    ids=[
        "unknown-project",
        "unknown-command",
        "no-config",
        "lineage-unknown-project",
        "lineage-no-target",
        "no-file",
    ],
)
def test_a_bad_invocation_exits_2_with_one_line(command, fragments, tmp_path):
    done = run([str(BIN / command[0]), *command[1:]], tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert_one_line_error(done.stderr, *fragments)


def test_argparse_left_alone_would_fail_the_one_line_check(capsys):
    """Negative control: argparse's own usage error is a usage block and a second prefix."""
    with pytest.raises(SystemExit):
        argparse.ArgumentParser(prog="mlp-promote").parse_args(["--nonsense"])
    with pytest.raises(AssertionError):
        assert_one_line_error(capsys.readouterr().err)


def test_an_installed_dry_run_needs_no_credentials(tmp_path):
    done = run(
        [str(BIN / "mlp-promote"), "--config", str(CONFIG), "rollback", "churn", "3", "--dry-run"], tmp_path
    )
    call = {
        "name": "mlplatform-churn-promotion",
        "variables": [
            {
                "name": "ModelPackageArn",
                "value": "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlplatform-churn/3",
            },
            {"name": "ChampionCheck", "value": "rollback"},
        ],
    }
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "dry run, nothing changed: would call codepipeline StartPipelineExecution in eu-west-1 "
        f"with {json.dumps(call)}\n"
    )


def test_the_editable_install_holds_the_commands_packages_only(tmp_path):
    """From anywhere, the four packages resolve to this repository and nothing else of it does; `tests`
    stays the one a dependency of sagemaker installs (pytest puts ours first)."""
    probe = (
        "import importlib.util, json, sys; "
        "print(json.dumps({n: getattr(importlib.util.find_spec(n), 'origin', 0) for n in sys.argv[1:]}))"
    )
    names = [*PACKAGES, "stacks", "tooling", "ml_constructs", "tests"]
    done = run([str(BIN / "python"), "-I", "-c", probe, *names], tmp_path)
    found = json.loads(done.stdout)
    assert {name: found[name] for name in PACKAGES} == {
        name: str(ROOT / name / "__init__.py") for name in PACKAGES
    }
    assert [found["stacks"], found["tooling"], found["ml_constructs"]] == [0, 0, 0]
    assert found["tests"] != str(ROOT / "tests" / "__init__.py")


# every flag a message names is one the command has


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*(\x00)?")


def options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of the parser and of its subcommands' parsers."""
    found = set()
    for action in parser._actions:
        found |= set(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= options(sub)
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    bodies = [n for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)]
    return {
        id(body.body[0].value)
        for body in bodies
        if body.body and isinstance(body.body[0], ast.Expr) and isinstance(body.body[0].value, ast.Constant)
    }


def _definitions(tree: ast.AST) -> set[int]:
    """The option names `add_argument` defines: the definition, not a message about it."""
    return {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_argument"
        for arg in node.args
    }


def message_flags(source: str) -> list[re.Pattern[str]]:
    """The flags a module's messages name: in every string but docstrings and option definitions; a
    flag an f-string completes (`f"--profile-{role}"`) matches any option it can become."""
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _definitions(tree)
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "\x00" for v in node.values))
            skipped |= {id(v) for v in node.values}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            texts.append(node.value)
    return [
        re.compile(re.escape(match.group(0).rstrip("\x00")) + (r"[\w-]+" if match.group(1) else ""))
        for text in texts
        for match in FLAG.finditer(text)
    ]


def unknown_flags(sources: list[Path], known: set[str]) -> list[str]:
    return sorted(
        {
            f"{path.parent.name}/{path.name}: {flag.pattern}"
            for path in sources
            for flag in message_flags(path.read_text(encoding="utf-8"))
            if not any(flag.fullmatch(option) for option in known)
        }
    )


TOOLS = {
    "promotion_cli": promotion_cli.parser(),
    "lineage": lineage_cli.parser(),
    "labels": labels_cli.parser(),
}
# The core's and the config's messages reach the user of either tool.
SHARED = ("operator_cli", "platform_config")


@pytest.mark.parametrize("package", sorted(TOOLS))
def test_every_flag_a_tools_message_names_is_one_of_its_options(package):
    assert unknown_flags(sorted((ROOT / package).rglob("*.py")), options(TOOLS[package])) == []


def test_every_flag_a_shared_message_names_is_an_option_of_every_tool():
    common = set.intersection(*(options(parser) for parser in TOOLS.values()))
    shared = sorted(path for package in SHARED for path in (ROOT / package).rglob("*.py"))
    assert unknown_flags(shared, common) == []


def test_a_fix_naming_a_flag_the_command_lacks_is_caught(tmp_path):
    """Negative controls: a stale flag in a fix, a flag an f-string completes into nothing that exists;
    a docstring and an option's own definition are not messages."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        '"""Run it with --whatever."""\n'
        'parser.add_argument("--limit")\n'
        'raise CliError("no credentials", "pass --profile-stage")\n'
        'fix = f"pass --profile-{role} or --profile"\n'
        'other = f"--nothing-{role}"\n'
    )
    known = {"--profile-dev", "--profile-prod"}
    assert [f.split(": ")[1] for f in unknown_flags([planted], known)] == [
        r"\-\-nothing\-[\w-]+",
        r"\-\-profile",
        r"\-\-profile\-stage",
    ]


# every command name the repository tells people to run is one that is installed


THIS = Path(__file__).relative_to(ROOT).as_posix()
NAMED_COMMAND = re.compile(r"(?<![\w-])mlp-[a-z]+(?:-[a-z]+)*")


def unknown_commands(texts: dict[str, str], known: set[str]) -> list[str]:
    return sorted(
        {f"{path}: {name}" for path, text in texts.items() for name in NAMED_COMMAND.findall(text)}
        - {f"{path}: {name}" for path in texts for name in known}
    )


def test_every_mlp_command_the_repository_names_exists():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    texts = {
        path: (ROOT / path).read_text(encoding="utf-8")
        for path in listed.split()
        if path.endswith((".py", ".md", ".toml", ".json", ".txt", ".in"))
        and (ROOT / path).is_file()
        and path != THIS  # its negative controls plant names nobody installs
    }
    assert texts["README.md"].count(".venv/bin/mlp-promote") > 0
    assert unknown_commands(texts, {*SCRIPTS, PYPROJECT["project"]["name"]}) == []


def test_a_command_name_nobody_installs_is_caught():
    """Negative control: a message telling the officer to run a command under an old name."""
    texts = {"steps/resolve.py": "fix: approve it (`mlp-approve churn 4`, or .venv/bin/mlp-promote)"}
    assert unknown_commands(texts, set(SCRIPTS)) == ["steps/resolve.py: mlp-approve"]
