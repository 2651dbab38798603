"""Synthesizes the example platform once per session; every test reads that one assembly."""

from __future__ import annotations

import functools
import gc
import json
import re
from pathlib import Path

import botocore.session

import tooling.jsii_runtime  # noqa: F401  (first: the same Node.js and settings as app.py)

# isort: split
import pytest
from aws_cdk.assertions import Template

from cfn.assembly import SynthesizedStack, read_assembly
from compliance.iam.assembly import IamModel
from compliance.iam.platform import Platform
from platform_config import PlatformConfig, load_config
from tests import scale_synthesis, studio_starters
from tooling.synth import ROOT, synthesize

EXAMPLE_CONFIG = ROOT / "config" / "example.toml"

# Each boto3 session parses AWS's service models again (about 0.1 s a client), and moto gives every
# test a fresh default session: one loader, whose cache holds the parsed models, serves them all.
# It caches only the models botocore ships; nothing a test does is kept between tests.
botocore.session.create_loader = functools.cache(botocore.session.create_loader)  # type: ignore[attr-defined]


_FROZEN_FOR = pytest.StashKey[object]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before each module's first test, what is alive is frozen: Python's full collections then leave
    it out. Each traversed every object of the session (aws-cdk, jsii, botocore, moto, the synthesized
    assembly), about 0.8 s each and 30 s of the suite; what lives at a module's start is imports,
    session fixtures and caches, which live on. Frozen objects are still freed when unreferenced; only
    a cycle among them, dropped later, stays in memory."""
    module = getattr(item, "module", None)
    if module is not item.config.stash.get(_FROZEN_FOR, None):
        item.config.stash[_FROZEN_FOR] = module
        gc.collect()
        gc.freeze()


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(item.path.name == "test_scale.py" for item in session.items):
        session.config.stash[scale_synthesis.STARTED] = scale_synthesis.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(scale_synthesis.STARTED, None)
    if started is not None:
        started.stop()


@pytest.fixture(scope="session")
def example_config() -> PlatformConfig:
    return load_config(EXAMPLE_CONFIG)


# The commit the example is synthesized from, as CI passes it (`-c commit=`).
EXAMPLE_COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="session")
def example_outdir(example_config, tmp_path_factory) -> Path:
    """The example platform's cloud assembly, synthesized with every check."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    synthesize(example_config, outdir, commit=EXAMPLE_COMMIT)
    return outdir


@pytest.fixture(scope="session")
def synthesized(example_outdir) -> dict[str, SynthesizedStack]:
    """The example platform's stacks by construct path, e.g. "dev/Billing"."""
    return {stack.path: stack for stack in read_assembly(example_outdir)}


@pytest.fixture(scope="session")
def template(synthesized):
    """`template("dev/Billing")` gives that stack's template for `aws_cdk.assertions`."""
    cache: dict[str, Template] = {}

    def get(path: str) -> Template:
        if path not in cache:
            cache[path] = Template.from_json(synthesized[path].template)
        return cache[path]

    return get


@pytest.fixture(scope="session")
def iam_model(synthesized) -> IamModel:
    """The example platform's roles and policies, for the IAM evaluator."""
    return IamModel(list(synthesized.values()))


@pytest.fixture(scope="session")
def platform(example_config, iam_model) -> Platform:
    """The names and ARNs of the example platform that its workflows act on."""
    return Platform(example_config, iam_model)


@pytest.fixture(scope="session")
def scripts(synthesized) -> dict[str, str]:
    """Persona -> its Studio lifecycle script, every CloudFormation value rendered as deployed."""
    return studio_starters.rendered_scripts(synthesized)


@pytest.fixture(scope="session")
def studio_homes(scripts, tmp_path_factory) -> dict[str, Path]:
    """Persona -> a home directory as its Studio lifecycle script leaves it."""
    return studio_starters.studio_homes(scripts, tmp_path_factory)


_ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def normalised(template: dict) -> dict:
    """The template with content hashes masked: they change with any asset byte, not with intent."""
    return json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
