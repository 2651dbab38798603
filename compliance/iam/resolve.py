"""Concrete strings for the CloudFormation values of a synthesized assembly, across its stacks.

Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select/Split, pseudo parameters, parameter defaults, and
cross-stack values (Fn::GetStackOutput, Fn::ImportValue) become the strings CloudFormation would
produce. Identifiers CloudFormation generates stand in deterministically, from the logical id: a
key's ARN ends in `key/<logical id>`, an unnamed role is `<stack>-<logical id>`. Anything else (Fn::If,
AWS::NoValue, an attribute not listed here) raises, rather than guess.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from cfn.assembly import SynthesizedStack
from cfn.values import Render, join, renderer


class UnresolvableValue(ValueError):
    """A value this resolver does not model."""


# The property naming each resource type's physical name, and its ARN; `{name}` is the physical name.
_NAMED = {
    "AWS::IAM::Role": ("RoleName", "arn:{partition}:iam::{account}:role{path}{name}"),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "arn:{partition}:iam::{account}:policy{path}{name}"),
    "AWS::S3::Bucket": ("BucketName", "arn:{partition}:s3:::{name}"),
    "AWS::SQS::Queue": ("QueueName", "arn:{partition}:sqs:{region}:{account}:{name}"),
    "AWS::SNS::Topic": ("TopicName", "arn:{partition}:sns:{region}:{account}:{name}"),
    "AWS::Lambda::Function": ("FunctionName", "arn:{partition}:lambda:{region}:{account}:function:{name}"),
    "AWS::DynamoDB::Table": ("TableName", "arn:{partition}:dynamodb:{region}:{account}:table/{name}"),
    "AWS::DynamoDB::GlobalTable": ("TableName", "arn:{partition}:dynamodb:{region}:{account}:table/{name}"),
    "AWS::Logs::LogGroup": ("LogGroupName", "arn:{partition}:logs:{region}:{account}:log-group:{name}:*"),
    "AWS::Events::EventBus": ("Name", "arn:{partition}:events:{region}:{account}:event-bus/{name}"),
    "AWS::Events::Rule": ("Name", "arn:{partition}:events:{region}:{account}:rule/{name}"),
    "AWS::CodeBuild::Project": ("Name", "arn:{partition}:codebuild:{region}:{account}:project/{name}"),
    "AWS::CodePipeline::Pipeline": ("Name", "arn:{partition}:codepipeline:{region}:{account}:{name}"),
    "AWS::SageMaker::ModelPackageGroup": (
        "ModelPackageGroupName",
        "arn:{partition}:sagemaker:{region}:{account}:model-package-group/{name}",
    ),
    "AWS::SageMaker::Pipeline": (
        "PipelineName",
        "arn:{partition}:sagemaker:{region}:{account}:pipeline/{name}",
    ),
}
# Types whose Ref is not the physical name.
_REF_IS_ARN = {"AWS::IAM::ManagedPolicy", "AWS::SNS::Topic", "AWS::SageMaker::ModelPackageGroup"}
# Types whose identifier CloudFormation generates: (stand-in from the logical id, ARN or None).
_GENERATED = {
    "AWS::KMS::Key": ("{logical_id}", "arn:{partition}:kms:{region}:{account}:key/{name}"),
    "AWS::EC2::VPC": ("vpc-{logical_id}", "arn:{partition}:ec2:{region}:{account}:vpc/{name}"),
    "AWS::EC2::Subnet": ("subnet-{logical_id}", "arn:{partition}:ec2:{region}:{account}:subnet/{name}"),
    "AWS::EC2::SecurityGroup": (
        "sg-{logical_id}",
        "arn:{partition}:ec2:{region}:{account}:security-group/{name}",
    ),
    "AWS::SageMaker::Domain": (
        "d-{logical_id}",
        "arn:{partition}:sagemaker:{region}:{account}:domain/{name}",
    ),
}
# Attributes that are identifiers rather than ARNs.
_ID_ATTRIBUTES = {"DomainId", "GroupId", "KeyId", "QueueName", "TopicName"}
_SUB = re.compile(r"\$\{([^}]+)\}")


class AssemblyValues:
    """Renders any value of any stack of one assembly."""

    def __init__(self, stacks: Sequence[SynthesizedStack]) -> None:
        self.stacks = list(stacks)
        self._by_name = {stack.name: stack for stack in self.stacks}

    def stack(self, name: str) -> SynthesizedStack:
        return self._by_name[name]

    # --- physical names and ARNs --------------------------------------------------------------------

    def _resource(self, stack: SynthesizedStack, logical_id: str) -> dict:
        try:
            return stack.template["Resources"][logical_id]
        except KeyError:
            raise UnresolvableValue(f"{stack.name} has no resource {logical_id}") from None

    def _fields(self, stack: SynthesizedStack, logical_id: str) -> dict[str, str]:
        resource = self._resource(stack, logical_id)
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind in _NAMED:
            name_property = _NAMED[kind][0]
            name = properties.get(name_property)
            name = self.render(stack, name) if name is not None else f"{stack.name}-{logical_id}"
        elif kind in _GENERATED:
            name = _GENERATED[kind][0].format(logical_id=logical_id)
        else:
            raise UnresolvableValue(f"{stack.name}/{logical_id}: no physical name for {kind}")
        path = self.render(stack, properties["Path"]) if "Path" in properties else "/"
        return {
            "name": name,
            "path": path,
            "partition": "aws",
            "region": stack.region,
            "account": stack.account,
        }

    def physical_name(self, stack: SynthesizedStack, logical_id: str) -> str:
        return self._fields(stack, logical_id)["name"]

    def arn(self, stack: SynthesizedStack, logical_id: str) -> str:
        kind = self._resource(stack, logical_id)["Type"]
        template = (_NAMED.get(kind) or _GENERATED.get(kind) or (None, None))[1]
        if template is None:
            raise UnresolvableValue(f"{stack.name}/{logical_id}: no ARN for {kind}")
        return template.format(**self._fields(stack, logical_id))

    def ref(self, stack: SynthesizedStack, name: str) -> str:
        pseudo = {
            "AWS::AccountId": stack.account,
            "AWS::Region": stack.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack.name,
        }
        if name in pseudo:
            return pseudo[name]
        parameter = stack.template.get("Parameters", {}).get(name)
        if parameter is not None:
            if "Default" not in parameter:
                raise UnresolvableValue(f"{stack.name}: parameter {name} has no default")
            return str(parameter["Default"])
        kind = self._resource(stack, name)["Type"]
        if kind in _REF_IS_ARN:
            return self.arn(stack, name)
        if kind == "AWS::SQS::Queue":
            fields = self._fields(stack, name)
            return f"https://sqs.{fields['region']}.amazonaws.com/{fields['account']}/{fields['name']}"
        return self.physical_name(stack, name)

    def attribute(self, stack: SynthesizedStack, logical_id: str, attribute: str) -> str:
        if attribute == "DefaultSecurityGroup":  # of a VPC
            return f"sg-{logical_id}-default"
        if attribute in _ID_ATTRIBUTES:
            return self.physical_name(stack, logical_id)
        if attribute.endswith("Arn"):
            return self.arn(stack, logical_id)
        raise UnresolvableValue(f"{stack.name}/{logical_id}: attribute {attribute}")

    # --- cross-stack values -------------------------------------------------------------------------

    def stack_output(self, arguments: dict) -> str:
        """Fn::GetStackOutput: {StackName, Region, OutputName} (CDK's cross-stack, cross-region refs)."""
        stack = self.stack(arguments["StackName"])
        if arguments.get("Region", stack.region) != stack.region:
            raise UnresolvableValue(f"{stack.name} is not in {arguments['Region']}")
        return self.render(stack, stack.template["Outputs"][arguments["OutputName"]]["Value"])

    @cached_property
    def _exports(self) -> dict[str, tuple[SynthesizedStack, Any]]:
        return {
            self.render(stack, output["Export"]["Name"]): (stack, output["Value"])
            for stack in self.stacks
            for output in stack.template.get("Outputs", {}).values()
            if "Export" in output
        }

    def import_value(self, name: str) -> str:
        stack, value = self._exports[name]
        return self.render(stack, value)

    # --- rendering ----------------------------------------------------------------------------------

    def _sub(self, stack: SynthesizedStack, arguments: Any, render: Render) -> str:
        text, variables = (arguments, {}) if isinstance(arguments, str) else arguments

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return render(variables[name])
            if "." in name:
                return self.attribute(stack, *name.split(".", 1))
            return self.ref(stack, name)

        return _SUB.sub(replace, text)

    def _list(self, stack: SynthesizedStack, value: Any) -> list[str]:
        if isinstance(value, list):
            return [self.render(stack, item) for item in value]
        if isinstance(value, dict) and "Fn::Split" in value:
            separator, text = value["Fn::Split"]
            return self.render(stack, text).split(separator)
        raise UnresolvableValue(f"not a list: {value}")

    def _renderer(self, stack: SynthesizedStack) -> Render:
        def get_att(arguments: Any, _: Render) -> str:
            logical_id, attribute = arguments.split(".", 1) if isinstance(arguments, str) else arguments
            return self.attribute(stack, logical_id, attribute)

        def fail(value: Any) -> str:
            raise UnresolvableValue(f"{stack.name}: cannot render {value}")

        return renderer(
            {
                "Fn::Join": join,
                "Ref": lambda name, _: self.ref(stack, name),
                "Fn::GetAtt": get_att,
                "Fn::Sub": lambda arguments, render: self._sub(stack, arguments, render),
                "Fn::Select": lambda arguments, _: self._list(stack, arguments[1])[int(arguments[0])],
                "Fn::GetStackOutput": lambda arguments, _: self.stack_output(arguments),
                "Fn::ImportValue": lambda name, render: self.import_value(render(name)),
            },
            fallback=fail,
        )

    @cached_property
    def _renderers(self) -> dict[str, Render]:
        return {stack.name: self._renderer(stack) for stack in self.stacks}

    def render(self, stack: SynthesizedStack, value: Any) -> str:
        return self._renderers[stack.name](value)

    def resolve(self, stack: SynthesizedStack, value: Any) -> Any:
        """A JSON value (a policy document, say) with every intrinsic function rendered."""
        if isinstance(value, dict):
            if len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")):
                return self.render(stack, value)
            return {key: self.resolve(stack, item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(stack, item) for item in value]
        return value
