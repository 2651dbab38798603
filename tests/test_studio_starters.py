"""Issue 15: each persona's Studio lifecycle configuration, as CloudFormation will deploy it, writes a
SageMaker SDK defaults file the pinned SDK reads, and the jobs the SDK then builds run in the VPC,
encrypted with the platform's keys, as the persona's role, tagged."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import yaml

from ml_constructs.studio_starters import MAX_CONTENT, STARTERS_DIR, bundle
from ml_constructs.studio_starters.sdk_defaults import SCHEMA_VERSION
from tests.studio_starters import PERSONAS, persona_of, studio_stack
from tests.templates import resources


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
        assert persona_of(name) == persona, f"{properties['UserProfileName']} gets {name}"
        assert jupyter["LifecycleConfigArns"] == [default], "the default must also be listed"
        assert by_id[name] == logical_id


def test_content_fits_the_limit_with_the_longest_values(scripts):
    for persona, script in scripts.items():
        size = len(base64.b64encode(script.encode()))
        assert size <= MAX_CONTENT, f"{persona}: {size} base64 characters, over {MAX_CONTENT}"


def sdk_config(home: Path) -> dict:
    return yaml.safe_load((home / ".config/sagemaker/config.yaml").read_text())


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


def test_each_persona_gets_only_the_defaults_of_what_it_may_do(studio_homes):
    sections = {persona: set(sdk_config(home)["SageMaker"]) for persona, home in studio_homes.items()}
    assert sections == {
        "data-engineer": {"PythonSDK", "ProcessingJob"},
        "data-scientist": {"PythonSDK", "ProcessingJob", "TrainingJob"},
        "mlops-engineer": {"PythonSDK", "Pipeline", "Model", "EndpointConfig", "Endpoint"},
        "compliance-officer": {"PythonSDK"},  # runs nothing, so names no role
    }
    mlops = sdk_config(studio_homes["mlops-engineer"])["SageMaker"]
    assert mlops["Model"]["EnableNetworkIsolation"] and mlops["Model"]["VpcConfig"]["Subnets"]
    assert ":key/StorageModelArtifactsKey" in mlops["EndpointConfig"]["KmsKeyId"]


def test_the_notebooks_label_is_the_projects(studio_homes, example_config):
    context = json.loads((studio_homes["data-scientist"] / STARTERS_DIR / "context.json").read_text())
    assert context["projects"][0]["label"] == example_config.projects[0].label_column


def test_the_notebooks_label_follows_the_config():
    """Negative control of the above: the example's label is also the pipeline's default."""
    from stacks.from_config import _starter_context
    from tests.config_edits import edit, loads

    config = loads(edit('label_column = "churned"', 'label_column = "renewed"'))
    assert [p["label"] for p in _starter_context(config)["projects"]] == ["renewed"]


def _names(tags: dict[str, str], notebook_context: dict) -> list[str]:
    """The configurations' names in a one-stack app with these stage-wide tags."""
    from aws_cdk import App, Stack, Tags

    from ml_constructs.studio_starters import PersonaStarters, StarterProps
    from ml_constructs.studio_starters.sdk_defaults import JobPlacement, PersonaDefaults

    app = App()
    stack = Stack(app, "Studio")
    defaults = PersonaDefaults(
        role_arn=None,
        bucket="a-bucket",
        prefix="studio/x",
        tags={},
        placement=JobPlacement(["subnet-1"], ["sg-1"]),
        volume_key_arn="arn:aws:kms:eu-west-1:111111111111:key/1",
        output_key_arn="arn:aws:kms:eu-west-1:111111111111:key/1",
    )
    PersonaStarters(
        stack,
        "Starters",
        props=StarterProps("p", notebook_context),
        defaults={"compliance-officer": defaults},
    )
    for key, value in tags.items():
        Tags.of(app).add(key, value)
    template = app.synth().get_stack_by_name("Studio").template
    return [r["Properties"]["StudioLifecycleConfigName"] for r in template["Resources"].values()]


def test_a_configuration_is_renamed_when_a_create_only_property_changes():
    """Content and tags are create-only: a change must rename (CloudFormation cannot replace a
    named resource under the same name); nothing else may, or every synthesis would replace it."""
    context = {"platform": "p", "projects": []}
    (name,) = _names({"cost-centre": "a"}, context)
    assert _names({"cost-centre": "a"}, context) == [name]
    assert _names({"cost-centre": "b"}, context) != [name], "a tag changed"
    assert _names({"cost-centre": "a"}, {**context, "platform": "q"}) != [name], "the content changed"
