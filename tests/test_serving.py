"""Serving in test and prod: the approved package as a parameter, safe rollouts, monitoring, feedback."""

from __future__ import annotations

import json

import pytest

from tests.templates import one, resources


@pytest.fixture(scope="module")
def prod(synthesized) -> dict:
    return synthesized["prod/Serving-churn"].template


@pytest.fixture(scope="module")
def test_serving(synthesized) -> dict:
    return synthesized["test/Serving-churn"].template


def requires_model(template: dict, condition: str | None) -> bool:
    """The condition is HasModel, or a conjunction that includes it."""
    if condition == "HasModel":
        return True
    expression = template.get("Conditions", {}).get(condition or "", {})
    return {"Condition": "HasModel"} in expression.get("Fn::And", [])


def test_requires_model_catches_an_unconditioned_resource():
    """Negative control: no condition, or a condition without HasModel, does not pass."""
    template = {"Conditions": {"HasX": {"Fn::And": [{"Condition": "Other"}]}}}
    assert not requires_model(template, None)
    assert not requires_model(template, "HasX")


@pytest.mark.parametrize("role", ["test", "prod"])
def test_model_comes_from_the_package_arn_parameter(role, synthesized):
    template = synthesized[f"{role}/Serving-churn"].template
    assert template["Parameters"]["ModelPackageArn"]["Default"] == ""
    model = one(template, "AWS::SageMaker::Model")
    assert model["Properties"]["Containers"] == [{"ModelPackageName": {"Ref": "ModelPackageArn"}}]
    # Nothing serves (or costs) until the promotion pipeline names a package.
    assert template["Conditions"]["HasModel"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ModelPackageArn"}, ""]}]
    }
    for kind in (
        "AWS::SageMaker::Model",
        "AWS::SageMaker::EndpointConfig",
        "AWS::SageMaker::Endpoint",
    ):
        assert all(r.get("Condition") == "HasModel" for r in resources(template, kind).values()), kind
    # Alarms and monitoring too, or behind a condition that includes HasModel (a check's baseline).
    for kind in ("AWS::CloudWatch::Alarm", "AWS::SageMaker::MonitoringSchedule"):
        assert all(
            requires_model(template, r.get("Condition")) for r in resources(template, kind).values()
        ), kind
    # Serving resources name the package and version they serve.
    tags = {t["Key"]: t["Value"] for t in one(template, "AWS::SageMaker::Endpoint")["Properties"]["Tags"]}
    assert tags["model-package-arn"] == {"Ref": "ModelPackageArn"}
    assert tags["model-package-version"] == {"Ref": "ModelPackageVersion"}
    # Deployable by the promotion pipeline on its own: no CDK bootstrap rule.
    assert "CheckBootstrapVersion" not in template.get("Rules", {})


def test_prod_runs_in_the_vpc_isolated_with_a_kms_encrypted_config(prod):
    model = one(prod, "AWS::SageMaker::Model")["Properties"]
    assert model["EnableNetworkIsolation"] is True
    assert len(model["VpcConfig"]["Subnets"]) == 2
    config = one(prod, "AWS::SageMaker::EndpointConfig")["Properties"]
    assert "KmsKeyId" in config
    (variant,) = config["ProductionVariants"]
    assert variant["InitialInstanceCount"] == 2 and variant["InstanceType"] == "ml.m5.large"


def test_only_prod_captures_data_into_the_retained_encrypted_bucket(prod, test_serving, synthesized):
    capture = one(prod, "AWS::SageMaker::EndpointConfig")["Properties"]["DataCaptureConfig"]
    assert capture["EnableCapture"] is True and capture["InitialSamplingPercentage"] == 20
    assert capture["DestinationS3Uri"] == "s3://mlplatform-model-monitor-333333333333/churn/capture"
    assert "KmsKeyId" in capture
    assert "DataCaptureConfig" not in one(test_serving, "AWS::SageMaker::EndpointConfig")["Properties"]
    buckets = {
        r["Properties"]["BucketName"]: r
        for r in resources(synthesized["prod/ServingFoundation"].template, "AWS::S3::Bucket").values()
    }
    bucket = buckets["mlplatform-model-monitor-333333333333"]
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}


def test_test_serves_serverless_by_default(test_serving):
    (variant,) = one(test_serving, "AWS::SageMaker::EndpointConfig")["Properties"]["ProductionVariants"]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    assert "InstanceType" not in variant


def test_prod_autoscales_on_invocations_per_instance(prod):
    target = one(prod, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    assert target["ResourceId"] == "endpoint/mlplatform-churn-prod/variant/AllTraffic"
    policy = one(prod, "AWS::ApplicationAutoScaling::ScalingPolicy")["Properties"]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert (
        tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
        == "SageMakerVariantInvocationsPerInstance"
    )
    assert tracking["TargetValue"] == 100
    # A promotion keeps the capacity autoscaling reached (not the new config's initial count).
    assert one(prod, "AWS::SageMaker::Endpoint")["Properties"]["RetainAllVariantProperties"] is True


@pytest.mark.parametrize("role", ["test", "prod"])
def test_error_rate_alarms_use_documented_metric_math(role, synthesized):
    """IF(...) guards the division; no traffic is no error rate (MAX([m, 1]) is not documented)."""
    template = synthesized[f"{role}/Serving-churn"].template
    expressions = {
        query["Expression"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
        for query in alarm["Properties"].get("Metrics", [])
        if "Expression" in query and "dppl" not in query["Expression"]  # bias alarms: ABS(dppl)
    }
    assert expressions == {"IF(invocations > 0, 100 * errors / invocations, 0)"}


def test_prod_updates_blue_green_with_a_canary_and_roll_back_on_alarms(prod):
    endpoint = one(prod, "AWS::SageMaker::Endpoint")
    deployment = endpoint["Properties"]["DeploymentConfig"]
    routing = deployment["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    assert routing["Type"] == "CANARY" and routing["CanarySize"] == {"Type": "CAPACITY_PERCENT", "Value": 10}
    rollback = [
        prod["Resources"][a["AlarmName"]["Ref"]] for a in deployment["AutoRollbackConfiguration"]["Alarms"]
    ]
    assert [a["Properties"]["AlarmName"] for a in rollback] == [
        "mlplatform-churn-prod-5xx",
        "mlplatform-churn-prod-latency",
    ]
    # The alarms exist before the endpoint that rolls back on them.
    assert {a["AlarmName"]["Ref"] for a in deployment["AutoRollbackConfiguration"]["Alarms"]} <= set(
        endpoint["DependsOn"]
    )


def test_every_endpoint_alarm_notifies_the_encrypted_alert_topic(prod, synthesized):
    names = {a["Properties"]["AlarmName"] for a in resources(prod, "AWS::CloudWatch::Alarm").values()}
    for kind in ("5xx", "4xx", "latency", "cpu", "memory"):
        assert f"mlplatform-churn-prod-{kind}" in names
    assert all(a["Properties"]["AlarmActions"] for a in resources(prod, "AWS::CloudWatch::Alarm").values())
    topic = one(synthesized["prod/ServingFoundation"].template, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]


def test_an_idle_instance_endpoint_alarms_with_what_it_bills(prod, test_serving):
    """A forgotten endpoint keeps billing by the hour (issue 12): no request for 3 days (daily sums,
    missing data is no traffic) notifies the alert topic, saying what it costs and how to stop it."""
    (idle,) = [
        a["Properties"]
        for a in resources(prod, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["AlarmName"] == "mlplatform-churn-prod-idle"
    ]
    assert (idle["MetricName"], idle["Statistic"], idle["Period"]) == ("Invocations", "Sum", 86400)
    assert idle["EvaluationPeriods"] == idle["DatapointsToAlarm"] == 3
    assert (idle["ComparisonOperator"], idle["Threshold"]) == ("LessThanThreshold", 1)
    assert idle["TreatMissingData"] == "breaching" and idle["AlarmActions"]
    assert (
        "about $186.88 a month (2 × ml.m5.large at $0.128/instance-hour, eu-west-1 list price)"
        in (idle["AlarmDescription"])
    )
    assert "deploy prod/Serving-churn with an empty ModelPackageArn" in idle["AlarmDescription"]
    # The serverless test endpoint bills nothing idle: no idle alarm.
    names = {a["Properties"]["AlarmName"] for a in resources(test_serving, "AWS::CloudWatch::Alarm").values()}
    assert "mlplatform-churn-test-idle" not in names and "mlplatform-churn-test-5xx" in names


def test_failed_monitoring_executions_reach_the_alert_topic_directly(prod, synthesized):
    """Not through an alarm on AWS/Events TriggeredRules, which exists only for rules with targets."""
    assert not [
        a
        for a in resources(prod, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "AWS/Events"
    ]
    (failed,) = [
        r
        for r in resources(prod, "AWS::Events::Rule").values()
        if r["Properties"]["EventPattern"]["detail"].get("ProcessingJobStatus") == ["Failed"]
    ]
    (target,) = failed["Properties"]["Targets"]
    assert target["Arn"]["Fn::GetStackOutput"]["StackName"] == "prod-ServingFoundation"
    assert "failed" in target["InputTransformer"]["InputTemplate"]
    assert target["InputTransformer"]["InputPathsMap"] == {
        "detail-ExitMessage": "$.detail.ExitMessage",
        "detail-FailureReason": "$.detail.FailureReason",
        "detail-ProcessingJobName": "$.detail.ProcessingJobName",
    }


def test_data_quality_monitoring_uses_the_registered_baselines(prod):
    job_id, job = next(
        (i, r["Properties"])
        for i, r in prod["Resources"].items()
        if r["Type"] == "AWS::SageMaker::DataQualityJobDefinition"
    )
    assert job["DataQualityBaselineConfig"] == {
        "ConstraintsResource": {"S3Uri": {"Ref": "BaselineConstraintsUri"}},
        "StatisticsResource": {"S3Uri": {"Ref": "BaselineStatisticsUri"}},
    }
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == "mlplatform-churn-prod"
    assert job["NetworkConfig"]["EnableNetworkIsolation"] is True
    (schedule,) = [
        r
        for r in resources(prod, "AWS::SageMaker::MonitoringSchedule").values()
        if r["Properties"]["MonitoringScheduleConfig"]["MonitoringType"] == "DataQuality"
    ]
    # A generated name (promotions replace the job definition), taken from its ARN.
    assert "JobDefinitionName" not in job
    assert schedule["Properties"]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == {
        "Fn::Select": [1, {"Fn::Split": ["/", {"Fn::GetAtt": [job_id, "JobDefinitionArn"]}]}]
    }
    drift = [
        a
        for a in resources(prod, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "aws/sagemaker/Endpoints/data-metrics"
    ]
    assert sorted(a["Properties"]["MetricName"] for a in drift) == [
        "feature_baseline_drift_monthly_charges",
        "feature_baseline_drift_support_calls",
        "feature_baseline_drift_tenure_months",
    ]


def test_violations_cross_to_the_dev_monitoring_bus(prod):
    forward = next(
        r
        for r in resources(prod, "AWS::Events::Rule").values()
        if r["Properties"]["EventPattern"]["detail"].get("ExitMessage")
    )
    (target,) = forward["Properties"]["Targets"]
    assert target["Arn"] == "arn:aws:events:eu-west-1:111111111111:event-bus/mlplatform-model-monitoring"
    assert forward["Properties"]["EventPattern"]["detail"]["ExitMessage"] == [
        {"prefix": "CompletedWithViolations"}
    ]


def test_dev_bus_accepts_only_prod_and_its_rule_retrains(synthesized):
    dev = synthesized["dev/RetrainingLoop"].template
    policy = one(dev, "AWS::Events::EventBusPolicy")["Properties"]
    statement = policy["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::333333333333:root"}
    assert statement["Action"] == "events:PutEvents"
    assert statement["Condition"] == {"StringEquals": {"events:source": "aws.sagemaker"}}
    rule = next(
        r
        for r in resources(dev, "AWS::Events::Rule").values()
        if "Drift" in r["Properties"]["Description"] or "drift" in r["Properties"]["Description"]
    )
    # the example config notifies and retrains (retrain_on_drift = true)
    notify, retrain = rule["Properties"]["Targets"]
    assert notify["Arn"] == {
        "Ref": next(k for k, r in dev["Resources"].items() if r["Type"] == "AWS::SNS::Topic")
    }
    assert "Retrain" in json.dumps(retrain["Arn"])
    assert "DeadLetterConfig" in notify and "DeadLetterConfig" in retrain


def test_the_model_role_reads_only_its_projects_models_and_baselines_in_dev(iam_model, platform):
    """Not the training data, not the code, not the metrics: what serving and monitoring need."""
    role = iam_model.role("mlplatform-churn-prod-model")
    (read,) = [s for s in role.statements if s.get("Sid") == "ReadServedArtifactsInDev"]
    assert sorted(read["Resource"]) == sorted(
        f"arn:aws:s3:::mlplatform-model-artifacts-111111111111/churn/model-build/*/{output}/*"
        for output in (
            "data-quality-baseline",
            "model",
            "model-bias",
            "model-explainability",
            "model-quality-baseline",
        )
    )
    run = f"{platform.bucket('model-artifacts')}/churn/model-build/a1b2c3d4e5f6"
    for path, readable in (
        ("model/model.tar.gz", True),
        ("data-quality-baseline/statistics.json", True),
        ("model-quality-baseline/constraints.json", True),
        ("model-bias/config/analysis_config.json", True),
        ("model-explainability/report/analysis.json", True),
        ("evaluation/evaluation.json", False),
        ("code/preprocess.py", False),
    ):
        assert iam_model.decide(role.principal, "s3:GetObject", f"{run}/{path}").allowed is readable, path


@pytest.mark.parametrize(
    ("monitoring", "sensitive", "kinds"),
    [
        (
            {"ground_truth_uri": "s3://labels-bucket/churn/ground-truth", "ground_truth_labels": False},
            True,
            ["DataQuality", "ModelBias", "ModelExplainability", "ModelQuality"],
        ),
        ({"ground_truth_labels": False}, True, ["DataQuality", "ModelExplainability"]),
        (
            {"ground_truth_uri": "s3://labels-bucket/churn/ground-truth", "ground_truth_labels": False},
            False,
            ["DataQuality", "ModelExplainability", "ModelQuality"],
        ),
    ],
    ids=["own-label-location", "no-labels", "no-sensitive-attribute"],
)
def test_labels_add_model_quality_and_sensitive_attributes_add_bias(
    tmp_path, example_config, monitoring, sensitive, kinds
):
    """Model quality and bias need labels; bias needs a sensitive attribute; all pass the checks."""
    from cfn.assembly import read_assembly
    from compliance.checks import add_checks
    from stacks.account_stage import ServingStage
    from tooling.synth import cdk_app

    project = example_config.projects[0]
    changed = project.model_copy(
        update={
            "monitoring": project.monitoring.model_copy(update=monitoring),
            **({} if sensitive else {"sensitive_attributes": ()}),
        }
    )
    config = example_config.model_copy(update={"projects": (changed,)})
    app = cdk_app(tmp_path)
    ServingStage(app, config=config, role="prod")
    add_checks(app)
    app.synth()
    serving = next(s for s in read_assembly(tmp_path) if s.name == "prod-Serving-churn").template
    assert sorted(schedules_by_type(serving)) == kinds
    if "ModelQuality" in kinds:
        job = one(serving, "AWS::SageMaker::ModelQualityJobDefinition")["Properties"]
        assert job["ModelQualityAppSpecification"]["ProblemType"] == "BinaryClassification"
        assert job["ModelQualityJobInput"]["GroundTruthS3Input"] == {
            "S3Uri": "s3://labels-bucket/churn/ground-truth"
        }
        statements = [
            s
            for r in resources(serving, "AWS::IAM::ManagedPolicy").values()
            for s in r["Properties"]["PolicyDocument"]["Statement"]
            if s.get("Sid") == "ReadGroundTruthLabels"
        ]
        assert [s["Resource"] for s in statements] == ["arn:aws:s3:::labels-bucket/churn/ground-truth/*"]


MONITORS = {
    "ModelQuality": ("AWS::SageMaker::ModelQualityJobDefinition", "HasModelQualityBaseline"),
    "ModelBias": ("AWS::SageMaker::ModelBiasJobDefinition", "HasBiasBaseline"),
    "ModelExplainability": ("AWS::SageMaker::ModelExplainabilityJobDefinition", "HasExplainabilityBaseline"),
}


def schedules_by_type(template: dict) -> dict[str, dict]:
    return {
        r["Properties"]["MonitoringScheduleConfig"]["MonitoringType"]: r
        for r in resources(template, "AWS::SageMaker::MonitoringSchedule").values()
    }


def test_prod_monitors_every_kind_when_labels_and_a_sensitive_attribute_are_configured(prod):
    """The example config uploads labels and names `is_senior`: all four schedules exist."""
    assert sorted(schedules_by_type(prod)) == [
        "DataQuality",
        "ModelBias",
        "ModelExplainability",
        "ModelQuality",
    ]


@pytest.mark.parametrize("kind", MONITORS)
def test_each_registered_check_monitors_only_when_the_served_version_has_its_baseline(prod, kind):
    """Versions registered before a check existed lack its baseline: `none`, and no job, no schedule."""
    job_type, condition = MONITORS[kind]
    (job_id,) = resources(prod, job_type)
    job = prod["Resources"][job_id]
    schedule = schedules_by_type(prod)[kind]
    assert job["Condition"] == schedule["Condition"] == condition
    parameter = {"ModelQuality": "ModelQualityConstraintsUri", "ModelBias": "BiasConstraintsUri"}.get(
        kind, "ExplainabilityConstraintsUri"
    )
    assert prod["Conditions"][condition] == {
        "Fn::And": [
            {"Condition": "HasModel"},
            {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, "none"]}]},
        ]
    }
    assert prod["Parameters"][parameter]["Default"].startswith(
        "s3://"
    )  # unset: fails loudly, like data quality
    assert prod["Parameters"][parameter]["AllowedPattern"] == "^(none|s3://.+)$"
    # Generated names (promotions replace job definitions), in the VPC, isolated, with the serving key.
    properties = job["Properties"]
    assert "JobDefinitionName" not in properties
    assert schedule["Properties"]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"] == {
        "Fn::Select": [1, {"Fn::Split": ["/", {"Fn::GetAtt": [job_id, "JobDefinitionArn"]}]}]
    }
    network = properties["NetworkConfig"]
    assert network["EnableNetworkIsolation"] is True
    assert network["VpcConfig"]["Subnets"] and network["VpcConfig"]["SecurityGroupIds"]
    key = properties["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"]
    assert key == next(o for o in properties.values() if isinstance(o, dict) and "KmsKeyId" in o)["KmsKeyId"]


def test_clarify_monitors_use_the_registered_analysis_configs_and_the_clarify_image(prod):
    (bias,) = resources(prod, "AWS::SageMaker::ModelBiasJobDefinition").values()
    (explain,) = resources(prod, "AWS::SageMaker::ModelExplainabilityJobDefinition").values()
    bias_app = bias["Properties"]["ModelBiasAppSpecification"]
    explain_app = explain["Properties"]["ModelExplainabilityAppSpecification"]
    assert bias_app["ConfigUri"] == {"Ref": "BiasConfigUri"}
    assert explain_app["ConfigUri"] == {"Ref": "ExplainabilityConfigUri"}
    assert (
        bias_app["ImageUri"]
        == explain_app["ImageUri"]
        == ("131013547314.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0")
    )
    assert bias["Properties"]["ModelBiasBaselineConfig"]["ConstraintsResource"] == {
        "S3Uri": {"Ref": "BiasConstraintsUri"}
    }
    # Bias needs the labels; explainability only the captured requests.
    labels = "s3://mlplatform-model-monitor-333333333333/ground-truth/mlplatform-churn-prod"
    assert bias["Properties"]["ModelBiasJobInput"]["GroundTruthS3Input"] == {"S3Uri": labels}
    assert "GroundTruthS3Input" not in explain["Properties"]["ModelExplainabilityJobInput"]
    (quality,) = resources(prod, "AWS::SageMaker::ModelQualityJobDefinition").values()
    assert quality["Properties"]["ModelQualityJobInput"]["GroundTruthS3Input"] == {"S3Uri": labels}
    assert quality["Properties"]["ModelQualityBaselineConfig"]["ConstraintsResource"] == {
        "S3Uri": {"Ref": "ModelQualityConstraintsUri"}
    }


def test_model_quality_and_bias_alarm_on_their_documented_metrics(prod):
    alarms = {a["Properties"]["AlarmName"]: a for a in resources(prod, "AWS::CloudWatch::Alarm").values()}
    quality = alarms["mlplatform-churn-model-quality-auc"]
    assert quality["Condition"] == "HasModelQualityBaseline"
    assert quality["Properties"]["Namespace"] == "aws/sagemaker/Endpoints/model-metrics"
    assert quality["Properties"]["Threshold"] == 0.75  # the example's quality_threshold minimum
    assert quality["Properties"]["ComparisonOperator"] == "LessThanThreshold"
    assert {d["Name"] for d in quality["Properties"]["Dimensions"]} == {"Endpoint", "MonitoringSchedule"}
    bias = alarms["mlplatform-churn-model-bias-is_senior"]
    assert bias["Condition"] == "HasBiasBaseline"
    assert bias["Properties"]["Threshold"] == 0.1
    (expression, metric) = bias["Properties"]["Metrics"]
    assert expression["Expression"] == "ABS(dppl)"
    stat = metric["MetricStat"]["Metric"]
    assert stat["Namespace"] == "aws/sagemaker/Endpoints/bias-metrics"
    assert stat["MetricName"] == "bias_metric_DPPL"
    dimensions = {d["Name"]: d["Value"] for d in stat["Dimensions"]}
    assert dimensions["Facet"] == "is_senior" and dimensions["FacetValue"] == "1"
    assert (
        dimensions["Label"] == "churned" and dimensions["MonitoringSchedule"] == "mlplatform-churn-model-bias"
    )
    for alarm in (quality, bias):
        (action,) = alarm["Properties"]["AlarmActions"]
        assert action["Fn::GetStackOutput"]["StackName"] == "prod-ServingFoundation", action


def test_every_schedules_violations_and_failures_reach_people_and_the_feedback_loop(prod, synthesized):
    """One rule forwards violations of every schedule to dev; dev's project rule matches every kind."""
    rules = resources(prod, "AWS::Events::Rule").values()
    for rule in rules:
        arns = rule["Properties"]["EventPattern"]["detail"]["MonitoringScheduleArn"]
        named = {arn.rsplit("/", 1)[-1] for arn in arns}
        assert named == {
            f"mlplatform-churn-{kind}"
            for kind in ("data-quality", "model-quality", "model-bias", "attribution")
        }
    dev = synthesized["dev/RetrainingLoop"].template
    drift = next(
        r for r in resources(dev, "AWS::Events::Rule").values() if "drift" in r["Properties"]["Description"]
    )
    watched = drift["Properties"]["EventPattern"]["detail"]["MonitoringScheduleArn"]
    assert len(watched) == 4


def test_the_monitoring_role_reads_the_labels_and_cannot_write_them(iam_model, platform):
    role = iam_model.role("mlplatform-churn-prod-model")
    labels = "arn:aws:s3:::mlplatform-model-monitor-333333333333/ground-truth/mlplatform-churn-prod"
    label = f"{labels}/2026/12/01/14/labels-1.jsonl"
    assert iam_model.decide(role.principal, "s3:GetObject", label).allowed
    assert not iam_model.decide(role.principal, "s3:PutObject", label).allowed
    # Negative control: another endpoint's labels stay unreadable.
    other = "arn:aws:s3:::mlplatform-model-monitor-333333333333/ground-truth/mlplatform-other-prod/x.jsonl"
    assert not iam_model.decide(role.principal, "s3:GetObject", other).allowed
