"""What a template value depends on, as the replacement analysis reads it."""

from __future__ import annotations

from cfn.references import condition_references, references


def test_refs_getatts_and_sub_variables_are_named():
    value = {
        "A": {"Ref": "Param"},
        "B": [{"Fn::GetAtt": ["Model", "ModelName"]}, {"Fn::GetAtt": "Role.Arn"}],
        "C": {"Fn::Sub": "s3://${Bucket}/${Key.Arn}/${!NotAVariable}/${AWS::Region}"},
        "D": {"Fn::Select": [1, {"Fn::Split": ["/", {"Fn::GetAtt": ["Job", "JobDefinitionArn"]}]}]},
    }
    assert references(value).names == {"Param", "Model", "Role", "Bucket", "Key", "AWS::Region", "Job"}


def test_sub_local_variables_are_not_references_but_their_values_are():
    value = {"Fn::Sub": ["${Prefix}-${Suffix}", {"Prefix": {"Ref": "Stage"}}]}
    assert references(value).names == {"Stage", "Suffix"}


def test_fn_if_names_its_condition_and_both_branches():
    refs = references({"Fn::If": ["HasModel", {"Ref": "ModelPackageArn"}, {"Ref": "AWS::NoValue"}]})
    assert refs.conditions == {"HasModel"}
    assert refs.names == {"ModelPackageArn", "AWS::NoValue"}


def test_a_condition_names_the_conditions_it_uses_only_in_the_conditions_section():
    expression = {"Fn::And": [{"Condition": "HasModel"}, {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}]}
    assert condition_references(expression).conditions == {"HasModel"}
    assert condition_references(expression).names == {"Stage"}
    # In properties, a key called Condition is data (an IAM statement's), not a condition.
    assert references({"Condition": "HasModel"}).conditions == frozenset()
