"""The roles and policies of a synthesized assembly, as the evaluator takes them.

Every `AWS::IAM::Role` becomes a principal with its identity policies (inline policies, `AWS::IAM::Policy`
and `AWS::IAM::ManagedPolicy` attached by their `Roles` or by the role's `ManagedPolicyArns`, from any
stack of the account) and its permissions boundary. Resource policies (bucket, key, model package
group, topic, queue, event bus and role trust policies) are indexed by the ARNs they govern.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cfn.assembly import SynthesizedStack
from compliance.iam.evaluate import Decision, Principal, Request, Resource, evaluate
from compliance.iam.resolve import AssemblyValues
from compliance.iam.statements import as_list, statements

# The AWS managed policies the platform attaches (or that tests attach to hypothetical principals).
AWS_MANAGED: dict[str, dict] = {
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    "arn:aws:iam::aws:policy/AdministratorAccess": {
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    },
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "*",
            }
        ]
    },
}


@dataclass(frozen=True)
class PolicyDocument:
    """A synthesized policy, for the checks that read every statement."""

    label: str  # "<stack>/<logical id>", plus "/<policy name>" for an inline policy
    document: dict
    identity: bool  # an identity policy or boundary; otherwise a resource policy


@dataclass(frozen=True)
class Role:
    principal: Principal
    stack: str
    logical_id: str
    unknown_policies: tuple[str, ...]  # attached policy ARNs whose documents are not in the assembly

    @property
    def name(self) -> str:
        return self.principal.arn.rsplit("/", 1)[-1]

    @property
    def statements(self) -> list[dict]:
        """The statements of its identity policies."""
        return [s for document in self.principal.identity for s in statements(document)]


@dataclass(frozen=True)
class ResourcePolicy:
    arn: str  # of the resource it is attached to
    account: str
    document: dict
    label: str
    required: bool  # key and trust policies: identity policies alone never reach the resource
    service: str  # the requests it governs: a role's trust policy governs sts, not iam:PassRole

    def governs(self, action: str, arn: str) -> bool:
        """A bucket policy governs the bucket's objects; a model package group's, its packages."""
        if action.split(":")[0].lower() != self.service:
            return False
        if arn == self.arn:
            return True
        if ":s3:::" in self.arn:
            return arn.startswith(f"{self.arn}/")
        packages = self.arn.replace(":model-package-group/", ":model-package/", 1)
        return packages != self.arn and arn.startswith(f"{packages}/")


def _document(value: Any) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def _queue_arn(url: str) -> str:
    """https://sqs.<region>.amazonaws.com/<account>/<name> -> its ARN."""
    host, account, name = url.removeprefix("https://").split("/")
    return f"arn:aws:sqs:{host.split('.')[1]}:{account}:{name}"


class IamModel:
    """Principals, identity policies and resource policies of every stack of one assembly."""

    def __init__(self, stacks: Sequence[SynthesizedStack]) -> None:
        self.values = AssemblyValues(stacks)
        self.documents: list[PolicyDocument] = []
        self.resource_policies: list[ResourcePolicy] = []
        self._managed: dict[str, dict] = dict(AWS_MANAGED)
        self._attached: dict[tuple[str, str], list[dict]] = {}  # (account, role name) -> documents
        self._buckets: dict[str, str] = {}  # bucket ARN -> account
        for stack, logical_id, resource in self._resources():
            self._read(stack, logical_id, resource)
        self.roles = {role.principal.arn: role for role in self._roles()}

    def _resources(self) -> Iterator[tuple[SynthesizedStack, str, dict]]:
        for stack in self.values.stacks:
            for logical_id, resource in stack.template["Resources"].items():
                yield stack, logical_id, resource

    def _read(self, stack: SynthesizedStack, logical_id: str, resource: dict) -> None:
        kind, label = resource["Type"], f"{stack.name}/{logical_id}"
        properties = (
            self.values.resolve(stack, resource.get("Properties", {})) if self._relevant(kind) else {}
        )

        def resource_policy(
            arn: str, document: Any, *, required: bool = False, service: str | None = None
        ) -> None:
            policy = ResourcePolicy(
                arn, stack.account, _document(document), label, required, service or arn.split(":")[2]
            )
            self.resource_policies.append(policy)
            self.documents.append(PolicyDocument(label, policy.document, identity=False))

        if kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            self.documents.append(PolicyDocument(label, properties["PolicyDocument"], identity=True))
            if kind == "AWS::IAM::ManagedPolicy":
                self._managed[self.values.ref(stack, logical_id)] = properties["PolicyDocument"]
            for role_name in as_list(properties.get("Roles")):
                self._attached.setdefault((stack.account, role_name), []).append(properties["PolicyDocument"])
        elif kind == "AWS::IAM::Role":
            for inline in properties.get("Policies", []):
                self.documents.append(
                    PolicyDocument(f"{label}/{inline['PolicyName']}", inline["PolicyDocument"], True)
                )
            trust = properties["AssumeRolePolicyDocument"]
            resource_policy(self.values.arn(stack, logical_id), trust, required=True, service="sts")
        elif kind == "AWS::S3::Bucket":
            self._buckets[self.values.arn(stack, logical_id)] = stack.account
        elif kind == "AWS::S3::BucketPolicy":
            resource_policy(f"arn:aws:s3:::{properties['Bucket']}", properties["PolicyDocument"])
        elif kind == "AWS::KMS::Key":
            resource_policy(self.values.arn(stack, logical_id), properties["KeyPolicy"], required=True)
        elif kind == "AWS::SageMaker::ModelPackageGroup" and "ModelPackageGroupPolicy" in properties:
            resource_policy(self.values.arn(stack, logical_id), properties["ModelPackageGroupPolicy"])
        elif kind == "AWS::SNS::TopicPolicy":
            for topic in properties["Topics"]:
                resource_policy(topic, properties["PolicyDocument"])
        elif kind == "AWS::SQS::QueuePolicy":
            for queue in properties["Queues"]:
                resource_policy(_queue_arn(queue), properties["PolicyDocument"])
        elif kind == "AWS::Events::EventBusPolicy":
            bus = f"arn:aws:events:{stack.region}:{stack.account}:event-bus/{properties['EventBusName']}"
            resource_policy(bus, properties.get("Policy") or {"Statement": [properties["Statement"]]})

    @staticmethod
    def _relevant(kind: str) -> bool:
        return kind.startswith("AWS::IAM::") or kind in {
            "AWS::S3::BucketPolicy",
            "AWS::KMS::Key",
            "AWS::SageMaker::ModelPackageGroup",
            "AWS::SNS::TopicPolicy",
            "AWS::SQS::QueuePolicy",
            "AWS::Events::EventBusPolicy",
        }

    def _roles(self) -> Iterator[Role]:
        for stack, logical_id, resource in self._resources():
            if resource["Type"] != "AWS::IAM::Role":
                continue
            properties = self.values.resolve(stack, resource["Properties"])
            arn = self.values.arn(stack, logical_id)
            attached = [
                *as_list(properties.get("ManagedPolicyArns")),
                *as_list(properties.get("PermissionsBoundary")),
            ]
            identity = [
                *(inline["PolicyDocument"] for inline in properties.get("Policies", [])),
                *self._attached.get((stack.account, self.values.physical_name(stack, logical_id)), []),
                *(
                    self._managed[a]
                    for a in as_list(properties.get("ManagedPolicyArns"))
                    if a in self._managed
                ),
            ]
            boundary = properties.get("PermissionsBoundary")
            tags = {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}
            principal = Principal(
                arn, tuple(identity), self._managed.get(boundary) if boundary else None, tags
            )
            yield Role(
                principal, stack.name, logical_id, tuple(a for a in attached if a not in self._managed)
            )

    # --- lookups ------------------------------------------------------------------------------------

    def role(self, name: str, account: str | None = None) -> Role:
        """The role of this name (in this account, when the name is not unique)."""
        (role,) = [
            r for r in self.roles.values() if r.name == name and account in (None, r.principal.account)
        ]
        return role

    def resource(self, action: str, arn: str) -> Resource:
        """The resource of a request as the evaluator takes it: its account, and the resource policies
        governing the request."""
        policies = [p for p in self.resource_policies if p.governs(action, arn)]
        bucket = next((a for b, a in self._buckets.items() if arn == b or arn.startswith(f"{b}/")), None)
        account = next((p.account for p in policies), bucket)
        if not policies:
            return Resource(arn, account)
        document = {"Statement": [s for p in policies for s in statements(p.document)]}
        return Resource(arn, account, document, any(p.required for p in policies))

    def decide(
        self,
        principal: Principal,
        action: str,
        resource: str,
        context: Mapping[str, Any] | None = None,
        *,
        scps: Sequence[dict] = (),
        outside_policy: dict | None = None,
    ) -> Decision:
        """The decision on `action` by `principal` on `resource`, with the resource policies of the
        assembly; `outside_policy`: the policy assumed for a resource the assembly does not define."""
        found = self.resource(action, resource)
        if found.policy is None and outside_policy is not None:
            found = Resource(resource, found.account, outside_policy)
        return evaluate(principal, Request(action, found, context or {}), scps=scps)

    def _logical_ids(self, stack: str, kind: str, prefix: str) -> list[str]:
        """`prefix`: an id on the construct path, which CDK's logical id spells out (in order)."""
        resources = self.values.stack(stack).template["Resources"]
        return [i for i, r in resources.items() if r["Type"] == kind and prefix in i]

    def arns(self, stack: str, kind: str, prefix: str = "") -> list[str]:
        """The ARNs of the resources of this type in `stack` (a CloudFormation stack name) whose logical
        ids contain `prefix`: a construct id on the resource's path, from which CDK derived them."""
        return [self.values.arn(self.values.stack(stack), i) for i in self._logical_ids(stack, kind, prefix)]

    def physical_names(self, stack: str, kind: str, prefix: str = "") -> list[str]:
        return [
            self.values.physical_name(self.values.stack(stack), i)
            for i in self._logical_ids(stack, kind, prefix)
        ]
