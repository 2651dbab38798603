"""What a promotion does to the serving stacks, as CloudFormation will do it: which resources it
replaces, creates or deletes at each step, read from the synthesized templates and provider schemas.

Run with `-s` to see the table. A resource with a fixed name can never be among the replaced: that
update fails and rolls back (what every promotion after the first did while the monitoring job
definitions had a fixed JobDefinitionName).
"""

from __future__ import annotations

import copy

import pytest

from cfn.updates import parameter_values, plan_update, unsafe_names

REGION = "eu-west-1"
BASELINES = "s3://mlplatform-model-artifacts-111111111111/churn/model-build/{execution}/data-quality-baseline"


RUN = "s3://mlplatform-model-artifacts-111111111111/churn/model-build/{execution}"


def version(number: int, execution: str) -> dict[str, str]:
    """The parameter overrides the promotion pipeline deploys a package version with (every baseline
    the model-build pipeline registers: data quality, model quality, bias, explainability)."""
    run = RUN.format(execution=execution)
    return {
        "ModelPackageArn": f"arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlplatform-churn/{number}",
        "ModelPackageVersion": str(number),
        "BaselineStatisticsUri": f"{BASELINES.format(execution=execution)}/statistics.json",
        "BaselineConstraintsUri": f"{BASELINES.format(execution=execution)}/constraints.json",
        "ModelQualityConstraintsUri": f"{run}/model-quality-baseline/constraints.json",
        "BiasConfigUri": f"{run}/model-bias/config/analysis_config.json",
        "BiasConstraintsUri": f"{run}/model-bias/report/analysis.json",
        "ExplainabilityConfigUri": f"{run}/model-explainability/config/analysis_config.json",
        "ExplainabilityConstraintsUri": f"{run}/model-explainability/report/analysis.json",
    }


NOTHING: dict[str, str] = {}  # the stack as first deployed: every parameter at its default
V1, V2 = version(1, "execution-4k2m9x1q7s0d"), version(2, "execution-8w3n5v2c6b1z")
STEPS = {
    "promote version 1": (NOTHING, V1),
    "promote version 2": (V1, V2),
    "roll back to version 1": (V2, V1),
}

# What a promotion replaces: everything it changes that CloudFormation cannot update in place. Each gets a
# generated name; the endpoint and the monitoring schedule are updated in place to point at the new ones.
SERVING = {"AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"}
MONITORING_JOBS = {
    f"AWS::SageMaker::{kind}JobDefinition"
    for kind in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
}
REPLACED_BY_A_NEW_VERSION = {"test": SERVING, "prod": SERVING | MONITORING_JOBS}


def for_stack(template: dict, values: dict[str, str]) -> dict[str, str]:
    """The overrides this template takes (test has no baselines)."""
    return {k: v for k, v in values.items() if k in template["Parameters"]}


def plan(template: dict, step: str):
    before, after = STEPS[step]
    return plan_update(template, for_stack(template, before), for_stack(template, after), REGION)


def of_type(template: dict, type_name: str) -> set[str]:
    return {i for i, r in template["Resources"].items() if r["Type"] == type_name}


@pytest.fixture(scope="module", params=["test", "prod"])
def serving(request, synthesized) -> tuple[str, dict]:
    return request.param, synthesized[f"{request.param}/Serving-churn"].template


@pytest.mark.parametrize("step", STEPS)
def test_each_promotion_step_replaces_only_generated_names(serving, step):
    role, template = serving
    update = plan(template, step)
    types = {template["Resources"][i]["Type"] for i in update.replaced}
    print(f"\n{role}, {step}: replaces {sorted(types) or 'nothing'}; creates {len(update.created)}")
    for r in update.replaced.values():
        print(f"  {r.type_name} {r.logical_id}: {r.property} changes with {r.cause}")
    assert update.refused == []
    assert update.unknown_types == {}
    assert update.deleted == frozenset()
    if step == "promote version 1":  # from nothing: everything behind HasModel is new, nothing is replaced
        assert update.replaced == {}
        assert update.created == {
            i
            for i, r in template["Resources"].items()
            if r.get("Condition")  # HasModel, or a check's and it
        }
    else:
        assert update.created == frozenset()
        assert types == REPLACED_BY_A_NEW_VERSION[role]


@pytest.mark.parametrize("step", ["promote version 2", "roll back to version 1"])
def test_the_endpoint_and_the_monitoring_schedule_are_updated_in_place(serving, step):
    role, template = serving
    update = plan(template, step)
    kept = of_type(template, "AWS::SageMaker::Endpoint") | of_type(
        template, "AWS::SageMaker::MonitoringSchedule"
    )
    assert len(kept) == (5 if role == "prod" else 1)  # prod: the endpoint and four schedules
    assert not kept & set(update.replaced)
    assert not kept & (update.created | update.deleted)


def test_a_plain_cdk_deploy_after_a_promotion_keeps_it(serving):
    """`cdk deploy` sends UsePreviousValue for every parameter it is not given (`--previous-parameters`
    defaults to true), so the promoted version stays; `--no-previous-parameters` would send the
    defaults, and CloudFormation would delete the endpoint and everything behind HasModel."""
    _, template = serving
    promoted = parameter_values(template, for_stack(template, V2))
    plain = parameter_values(template, {}, previous=promoted)
    assert plain == promoted
    unchanged = plan_update(template, promoted, plain, REGION)
    assert (unchanged.replaced, unchanged.created, unchanged.deleted) == ({}, frozenset(), frozenset())
    reset = plan_update(template, promoted, parameter_values(template, {}), REGION)
    assert of_type(template, "AWS::SageMaker::Endpoint") <= reset.deleted


# Negative controls: each guard finds the flaw it exists for.


def planted(template: dict, type_name: str, **properties) -> tuple[dict, str]:
    flawed = copy.deepcopy(template)
    (logical_id,) = of_type(flawed, type_name)
    flawed["Resources"][logical_id]["Properties"].update(properties)
    return flawed, logical_id


def test_a_fixed_endpoint_config_name_is_a_refused_replacement_at_every_promotion(synthesized):
    template = synthesized["prod/Serving-churn"].template
    flawed, config = planted(template, "AWS::SageMaker::EndpointConfig", EndpointConfigName="churn-prod")
    for step in ("promote version 2", "roll back to version 1"):
        (refused,) = plan(flawed, step).refused
        assert (refused.logical_id, refused.fixed_name) == (config, "EndpointConfigName")
        assert refused.parameter == "ModelPackageArn"
        assert refused.cause.startswith("ServingModel")  # through the model, which is replaced
    assert plan(flawed, "promote version 1").refused == []  # the first deployment creates it: no replacement


def test_a_fixed_job_definition_name_is_unsafe_whatever_the_values(synthesized):
    template = synthesized["prod/Serving-churn"].template
    flawed, job = planted(template, "AWS::SageMaker::DataQualityJobDefinition", JobDefinitionName="churn-dq")
    (unsafe,), unknown = unsafe_names(flawed, REGION)
    assert (unsafe.logical_id, unsafe.fixed_name, unknown) == (job, "JobDefinitionName", {})
    assert unsafe.parameter.startswith(("Baseline", "ModelPackage"))


def test_a_name_that_changes_with_the_parameter_is_safe():
    template = {
        "Parameters": {"Version": {"Type": "String", "Default": "1"}},
        "Resources": {
            "Job": {
                "Type": "AWS::SageMaker::DataQualityJobDefinition",
                "Properties": {
                    "JobDefinitionName": {"Fn::Sub": "churn-${Version}"},
                    "RoleArn": {"Fn::Sub": "arn:${Version}"},
                },
            }
        },
    }
    assert unsafe_names(template) == ([], {})
    assert plan_update(template, {}, {"Version": "2"}).refused == []
    assert set(plan_update(template, {}, {"Version": "2"}).replaced) == {"Job"}


def test_a_create_only_value_chosen_by_a_condition_on_a_parameter_replaces():
    template = {
        "Parameters": {"Stage": {"Type": "String", "Default": "test"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "fixed", "Path": {"Fn::If": ["IsProd", "/prod/", "/"]}},
            }
        },
    }
    (refused,) = plan_update(template, {}, {"Stage": "prod"}).refused
    assert (refused.property, refused.cause, refused.parameter) == ("Path", "IsProd", "Stage")
    assert plan_update(template, {}, {"Stage": "dev"}).replaced == {}  # the condition does not flip


def test_a_type_missing_from_the_schemas_is_reported_not_passed(synthesized):
    template = copy.deepcopy(synthesized["prod/Serving-churn"].template)
    widget = {"Type": "Acme::Widget::Thing", "Properties": {"Name": {"Ref": "ModelPackageArn"}}}
    template["Resources"]["Widget"] = widget
    assert unsafe_names(template, REGION)[1] == {"Widget": "Acme::Widget::Thing"}
    assert plan(template, "promote version 2").unknown_types == {"Widget": "Acme::Widget::Thing"}


def test_parameters_the_template_does_not_declare_are_refused(synthesized):
    with pytest.raises(ValueError, match="BaselineStatisticsUri"):
        parameter_values(synthesized["test/Serving-churn"].template, V1)


def test_promoting_a_version_without_the_newer_baselines_drops_only_those_monitors(synthesized):
    """A version registered before model-quality, bias and explainability baselines existed (Resolve
    passes `none`) still promotes: those monitors and their alarms go, data quality stays."""
    template = synthesized["prod/Serving-churn"].template
    older = {
        **V1,
        **{name: "none" for name in V1 if name.startswith(("ModelQuality", "Bias", "Explainability"))},
    }
    update = plan_update(template, for_stack(template, V2), for_stack(template, older), REGION)
    assert update.refused == []
    dropped = {template["Resources"][i]["Type"] for i in update.deleted}
    assert dropped == MONITORING_JOBS - {"AWS::SageMaker::DataQualityJobDefinition"} | {
        "AWS::SageMaker::MonitoringSchedule",
        "AWS::CloudWatch::Alarm",
    }
    data_quality = of_type(template, "AWS::SageMaker::DataQualityJobDefinition")
    assert data_quality <= set(update.replaced)  # its baselines changed with the version
