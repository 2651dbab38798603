"""The model card every registration carries: valid under the pinned SDK's model card schema once the
pipeline's Join is evaluated, with the project's intended use and risk rating, the metrics, the PII
columns dropped, the training data and the commit; and the commit as the package's CommitId."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from ml_constructs.model_build_pipeline import ModelCardFacts
from pipelines.definition import DEFINITION_FILE
from platform_config.commit import NOT_GIVEN, code_version
from platform_config.loader import ConfigError
from tests.config_edits import EXAMPLE, run_app_in_process
from tests.conftest import EXAMPLE_COMMIT
from tests.test_model_build import _definition, _pipelines
from tooling.synth import ROOT

EXECUTION = (
    "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlplatform-churn-model-build/execution/k3q9wz1x7d2m"
)
SPLITS = "s3://mlplatform-processed-data-111111111111/churn/model-build/k3q9wz1x7d2m"
REPORT = {"binary_classification_metrics": {n: {"value": v} for n, v in
          {"auc": 0.91, "accuracy": 0.87, "precision": 0.8, "recall": 0.75, "f1": 0.77}.items()}}  # fmt: skip
COMMIT = EXAMPLE_COMMIT


def register_arguments(definition: dict) -> dict:
    [gate] = [s for s in definition["Steps"] if s["Name"] == "QualityGate"]
    [register] = [s for s in gate["Arguments"]["IfSteps"] if s["Type"] == "RegisterModel"]
    return register["Arguments"]


def evaluate(value: Any, parameters: dict[str, Any]) -> Any:
    """A pipeline expression as SageMaker evaluates it at run time, for this test's execution."""
    if isinstance(value, str):
        return value
    if "Std:Join" in value:
        join = value["Std:Join"]
        return join["On"].join(str(evaluate(v, parameters)) for v in join["Values"])
    if "Std:JsonGet" in value:
        section, name, field = value["Std:JsonGet"]["Path"].split(".")
        return REPORT[section][name][field]
    source = value["Get"]
    if source.startswith("Parameters."):
        return parameters[source.removeprefix("Parameters.")]
    if source == "Execution.PipelineExecutionArn":
        return EXECUTION
    split = source.split("Outputs['")[1].split("']")[0]
    return f"{SPLITS}/{split}"


def card_content(parameters: dict[str, Any]) -> dict:
    committed = json.loads(DEFINITION_FILE.read_text())
    content = register_arguments(committed)["ModelCard"]["ModelCardContent"]
    return json.loads(evaluate(content, parameters))


def defaults(template: dict) -> dict[str, Any]:
    definition = _definition(_pipelines(template)["mlplatform-churn-model-build"])
    return {p["Name"]: p.get("DefaultValue") for p in definition["Parameters"]}


@pytest.fixture(scope="module")
def model_build(synthesized) -> dict:
    return synthesized["dev/ModelBuild-churn"].template


def test_the_card_is_valid_under_the_model_card_schema_with_every_fact(model_build, example_config):
    from sagemaker.core.shapes.model_card_shapes import ModelCardContent

    card = card_content(defaults(model_build))
    ModelCardContent.model_validate(card)  # raises on anything the schema refuses
    project = example_config.projects[0]
    assert card["intended_uses"] == {
        "intended_uses": project.model_card.intended_use,
        "risk_rating": "Medium",
        "explanations_for_risk_rating": project.model_card.risk_explanation,
    }
    [evaluation] = card["evaluation_details"]
    [group] = evaluation["metric_groups"]
    assert {m["name"]: m["value"] for m in group["metric_data"]} == {
        n: m["value"] for n, m in REPORT["binary_classification_metrics"].items()
    }
    assert evaluation["datasets"] == [f"{SPLITS}/test"]
    assert card["additional_information"]["custom_details"] == {
        "pii_columns_dropped": "customer_name,email,phone",
        "training_data": f"{SPLITS}/train",
        "code_version": EXAMPLE_COMMIT,  # the example is synthesized with -c commit
        "pipeline_execution": EXECUTION,
    }


def test_registration_carries_the_card_pending_review_and_the_commit(model_build):
    arguments = register_arguments(_definition(_pipelines(model_build)["mlplatform-churn-model-build"]))
    assert arguments["ModelCard"]["ModelCardStatus"] == "PendingReview"
    assert arguments["MetadataProperties"] == {"CommitId": {"Get": "Parameters.CodeVersion"}}
    assert arguments["ModelLifeCycle"]["Stage"] == "Development"


@pytest.mark.parametrize("text", ['a "quoted" use', "a back\\slash", "line\nbreak", "ünïcödé"])
def test_any_text_the_config_allows_stays_valid_json(text):
    facts = ModelCardFacts(intended_use=text, risk_rating="Low", risk_explanation=text)
    card = card_content({"ModelCardIntendedUses": facts.intended_uses(), "ModelCardPiiColumns": json.dumps(text),
                         "CodeVersion": COMMIT})  # fmt: skip
    assert card["intended_uses"]["intended_uses"] == text
    assert card["additional_information"]["custom_details"]["pii_columns_dropped"] == text


def test_negative_control_unescaped_text_would_break_the_card():
    with pytest.raises(json.JSONDecodeError):
        card_content({"ModelCardIntendedUses": '{"intended_uses": "a "quoted" use"}',
                      "ModelCardPiiColumns": '""', "CodeVersion": COMMIT})  # fmt: skip


def test_the_commit_passed_at_synthesis_becomes_the_code_version(model_build):
    """`-c commit=<sha>`, as CI passes it (the session's synthesis does): the CodeVersion default."""
    assert defaults(model_build)["CodeVersion"] == EXAMPLE_COMMIT


@pytest.mark.parametrize("value", [None, ""])
def test_without_a_commit_the_code_version_says_so(value):
    assert code_version(value) == NOT_GIVEN


@pytest.mark.parametrize("value", ["0123abc", "HEAD", COMMIT.upper(), COMMIT + "0", 42])
def test_anything_but_a_full_commit_id_is_refused(value):
    with pytest.raises(ConfigError, match=r"is not a full git commit id.*; fix: pass `-c commit="):
        code_version(value)


def test_the_app_refuses_a_bad_commit_in_one_line_before_synthesis(tmp_path):
    done, outdir = run_app_in_process(tmp_path, EXAMPLE, context={"commit": "main"})
    assert done.returncode != 0 and not list(outdir.glob("**/*.template.json"))
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("config error: -c commit='main' is not a full git commit id")


def test_make_passes_the_commit_it_is_given_and_no_context_without_one():
    def synth_command(*args: str) -> str:
        done = subprocess.run(
            ["make", "-n", "synth", *args], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return next(line for line in done.stdout.splitlines() if "cdk synth" in line)

    assert f"-c commit={COMMIT}" in synth_command(f"COMMIT={COMMIT}")
    assert "commit=" not in synth_command("COMMIT=")
