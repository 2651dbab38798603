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
        "AWS::CloudWatch::Alarm",
    ):
        assert all(r.get("Condition") == "HasModel" for r in resources(template, kind).values()), kind
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
        if "Expression" in query
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
    schedule = one(prod, "AWS::SageMaker::MonitoringSchedule")
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
    assert sorted(read["Resource"]) == [
        "arn:aws:s3:::mlplatform-model-artifacts-111111111111/churn/model-build/*/data-quality-baseline/*",
        "arn:aws:s3:::mlplatform-model-artifacts-111111111111/churn/model-build/*/model/*",
    ]
    run = f"{platform.bucket('model-artifacts')}/churn/model-build/a1b2c3d4e5f6"
    for path, readable in (
        ("model/model.tar.gz", True),
        ("data-quality-baseline/statistics.json", True),
        ("evaluation/evaluation.json", False),
        ("code/preprocess.py", False),
    ):
        assert iam_model.decide(role.principal, "s3:GetObject", f"{run}/{path}").allowed is readable, path


def test_a_ground_truth_location_adds_model_quality_monitoring(tmp_path, example_config):
    """With labels for served predictions, prod also checks model quality, with the same checks."""
    from cfn.assembly import read_assembly
    from compliance.checks import add_checks
    from stacks.account_stage import ServingStage
    from tooling.synth import cdk_app

    project = example_config.projects[0]
    monitoring = project.monitoring.model_copy(
        update={"ground_truth_uri": "s3://labels-bucket/churn/ground-truth"}
    )
    config = example_config.model_copy(
        update={"projects": (project.model_copy(update={"monitoring": monitoring}),)}
    )
    app = cdk_app(tmp_path)
    ServingStage(app, config=config, role="prod")
    add_checks(app)
    app.synth()
    serving = next(s for s in read_assembly(tmp_path) if s.name == "prod-Serving-churn").template
    job = one(serving, "AWS::SageMaker::ModelQualityJobDefinition")["Properties"]
    assert job["ModelQualityAppSpecification"]["ProblemType"] == "BinaryClassification"
    assert job["ModelQualityJobInput"]["GroundTruthS3Input"] == {
        "S3Uri": "s3://labels-bucket/churn/ground-truth"
    }
    kinds = sorted(
        s["Properties"]["MonitoringScheduleConfig"]["MonitoringType"]
        for s in resources(serving, "AWS::SageMaker::MonitoringSchedule").values()
    )
    assert kinds == ["DataQuality", "ModelQuality"]
