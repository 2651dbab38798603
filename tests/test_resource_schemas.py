"""What forces a replacement, per type, as the bundled provider schemas say it."""

from __future__ import annotations

import pytest

from cfn.schemas import resource_schema


@pytest.mark.parametrize(
    "type_name, names",
    [
        ("AWS::SageMaker::Endpoint", ("EndpointName",)),
        ("AWS::SageMaker::EndpointConfig", ("EndpointConfigName",)),
        ("AWS::SageMaker::MonitoringSchedule", ("MonitoringScheduleName",)),
        # Its own name, not the EndpointName of the endpoint it watches (create-only too).
        ("AWS::SageMaker::DataQualityJobDefinition", ("JobDefinitionName",)),
        ("AWS::CloudWatch::Alarm", ("AlarmName",)),
        ("AWS::IAM::Role", ("RoleName",)),
        ("AWS::S3::Bucket", ("BucketName",)),
        ("AWS::Events::Rule", ("Name",)),
        ("AWS::ApplicationAutoScaling::ScalingPolicy", ("PolicyName",)),
        # Its identifier names the scaled resource, not the target itself.
        ("AWS::ApplicationAutoScaling::ScalableTarget", ()),
    ],
)
def test_name_properties_come_from_the_schema(type_name, names):
    assert resource_schema(type_name, "eu-west-1").name_properties == names


def test_tags_that_cannot_be_updated_force_a_replacement():
    assert ("Tags",) in resource_schema("AWS::SageMaker::DataQualityJobDefinition", "eu-west-1").create_only
    assert ("Tags",) not in resource_schema("AWS::SageMaker::Model", "eu-west-1").create_only
    assert ("Containers",) in resource_schema("AWS::SageMaker::Model", "eu-west-1").create_only


def test_custom_resources_are_cloudformation_custom_resources():
    assert resource_schema("Custom::CDKBucketDeployment", "eu-west-1").create_only == (("ServiceToken",),)


def test_a_type_the_schemas_do_not_know_is_none():
    assert resource_schema("Acme::Widget::Thing", "eu-west-1") is None
    assert resource_schema("AWS::SageMaker::Endpoint", "xx-nowhere-1") is None
