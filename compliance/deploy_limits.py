"""The size limits a deployment meets or fails at deploy time, checked on the synthesized assembly:
templates, Lambda environments, policies (identity and resource), event patterns and rule targets,
and the IAM quotas of each account (roles and managed policies, counted over all its stacks).

Sizes are measured on the values CloudFormation will pass to the service, rendered with the
assembly's own account, region and names (`compliance/iam/resolve.py`); a deploy-time id (a KMS key
id, a VPC id) is rendered as its logical id, which can be shorter than the real one, so every limit is
held to MARGIN of its value.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cfn.assembly import SynthesizedStack
from compliance.iam.resolve import AssemblyValues

MARGIN = 0.95  # of each limit: room for deploy-time ids longer than the logical ids rendered here


@dataclass(frozen=True)
class Limit:
    what: str
    maximum: int
    source: str

    def exceeded_by(self, size: int) -> bool:
        return size > self.maximum * MARGIN


_CFN = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"
_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
TEMPLATE_BYTES = Limit("template body (bytes, uploaded through S3)", 1_000_000, _CFN)
RESOURCES = Limit("resources in a template", 500, _CFN)
PARAMETERS = Limit("parameters in a template", 200, _CFN)
OUTPUTS = Limit("outputs in a template", 200, _CFN)
LAMBDA_ENVIRONMENT = Limit(
    "Lambda environment variables (bytes)",
    4096,
    "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
)
MANAGED_POLICY = Limit("IAM managed policy (characters, whitespace not counted)", 6144, _IAM)
INLINE_POLICIES = Limit("IAM inline policies of one role, together (characters)", 10240, _IAM)
TRUST_POLICY = Limit("IAM role trust policy (characters)", 2048, _IAM)
ATTACHED_POLICIES = Limit("IAM managed policies attached to one role", 10, _IAM)
# Per account, default quotas (adjustable): the platform's share must leave room under them.
ACCOUNT_ROLES = Limit("IAM roles in the account (default quota)", 1000, _IAM)
ACCOUNT_MANAGED_POLICIES = Limit("IAM customer managed policies in the account (default quota)", 1500, _IAM)
QUEUE_POLICY = Limit(
    "SQS queue policy (bytes)",
    8192,
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html",
)
QUEUE_STATEMENTS = Limit("SQS queue policy statements", 20, QUEUE_POLICY.source)
TOPIC_POLICY = Limit(
    "SNS topic policy (bytes)", 30720, "https://docs.aws.amazon.com/general/latest/gr/sns.html"
)
BUCKET_POLICY = Limit(
    "S3 bucket policy (bytes)",
    20480,
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
)
KEY_POLICY = Limit(
    "KMS key policy (bytes)",
    32768,
    "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html",
)
_EVENTS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
EVENT_PATTERN = Limit("EventBridge event pattern (characters)", 2048, _EVENTS)
RULE_TARGETS = Limit("EventBridge targets per rule", 5, _EVENTS)
BUS_POLICY = Limit("EventBridge event bus policy (characters)", 10240, _EVENTS)
FUNCTION_POLICY = Limit("Lambda function resource policy (bytes)", 20480, LAMBDA_ENVIRONMENT.source)
# What a permission adds to the function's policy beside its own values (statement id, effect, keys).
_PERMISSION_OVERHEAD = 120


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _characters(document: Any) -> int:
    """IAM's measure: the policy's characters, whitespace not counted."""
    return len(re.sub(r"\s", "", _compact(document)))


def _bytes(value: Any) -> int:
    return len(_compact(value).encode("utf-8"))


@dataclass
class _Stack:
    stack: SynthesizedStack
    values: AssemblyValues

    def resolved(self, value: Any) -> Any:
        return self.values.resolve(self.stack, value)

    def resources(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return self.stack.resources(*types)


def limit_problems(stacks: Sequence[SynthesizedStack]) -> list[str]:
    """One line per limit a template would exceed at deploy time: stack, resource, size, limit, source."""
    values = AssemblyValues(stacks)
    found: list[str] = []
    for stack in stacks:
        here = _Stack(stack, values)
        for where, limit, size in (*_template_sizes(stack), *_resource_sizes(here), *_per_role(here)):
            if limit.exceeded_by(size):
                found.append(
                    f"{stack.name}{where}: {limit.what} is {size}, over {MARGIN:.0%} of AWS's {limit.maximum} "
                    f"({limit.source})"
                )
    return found + _account_quotas(stacks)


def _account_quotas(stacks: Sequence[SynthesizedStack]) -> list[str]:
    """IAM's per-account quotas, over every stack that deploys to the account (in single-account
    mode, all of them)."""
    counted = {ACCOUNT_ROLES: "AWS::IAM::Role", ACCOUNT_MANAGED_POLICIES: "AWS::IAM::ManagedPolicy"}
    counts: defaultdict[tuple[str, Limit], int] = defaultdict(int)
    for stack in stacks:
        for limit, kind in counted.items():
            counts[stack.account, limit] += sum(1 for _ in stack.resources(kind))
    return [
        f"account {account}: {limit.what} is {size} from the platform alone, over {MARGIN:.0%} of AWS's "
        f"{limit.maximum} ({limit.source})"
        for (account, limit), size in counts.items()
        if limit.exceeded_by(size)
    ]


def _template_sizes(stack: SynthesizedStack) -> Iterator[tuple[str, Limit, int]]:
    template = stack.template
    yield "", TEMPLATE_BYTES, stack.template_file.stat().st_size
    yield "", RESOURCES, len(template.get("Resources", {}))
    yield "", PARAMETERS, len(template.get("Parameters", {}))
    yield "", OUTPUTS, len(template.get("Outputs", {}))


def _resource_sizes(here: _Stack) -> Iterator[tuple[str, Limit, int]]:
    for logical_id, p in here.resources("AWS::Lambda::Function"):
        variables = here.resolved(p.get("Environment", {}).get("Variables", {}))
        yield f"/{logical_id}", LAMBDA_ENVIRONMENT, _bytes(variables)
    for logical_id, p in here.resources("AWS::IAM::ManagedPolicy"):
        yield f"/{logical_id}", MANAGED_POLICY, _characters(here.resolved(p["PolicyDocument"]))
    for logical_id, p in here.resources("AWS::IAM::Role"):
        yield f"/{logical_id}", TRUST_POLICY, _characters(here.resolved(p["AssumeRolePolicyDocument"]))
    for logical_id, p in here.resources("AWS::SQS::QueuePolicy"):
        document = here.resolved(p["PolicyDocument"])
        yield f"/{logical_id}", QUEUE_POLICY, _bytes(document)
        yield f"/{logical_id}", QUEUE_STATEMENTS, len(document.get("Statement", []))
    for kind, key, limit in (
        ("AWS::SNS::TopicPolicy", "PolicyDocument", TOPIC_POLICY),
        ("AWS::S3::BucketPolicy", "PolicyDocument", BUCKET_POLICY),
        ("AWS::KMS::Key", "KeyPolicy", KEY_POLICY),
    ):
        for logical_id, p in here.resources(kind):
            yield f"/{logical_id}", limit, _bytes(here.resolved(p[key]))
    for logical_id, p in here.resources("AWS::Events::Rule"):
        if "EventPattern" in p:
            yield f"/{logical_id}", EVENT_PATTERN, len(_compact(here.resolved(p["EventPattern"])))
        yield f"/{logical_id}", RULE_TARGETS, len(p.get("Targets", []))


def _per_role(here: _Stack) -> Iterator[tuple[str, Limit, int]]:
    """Inline and attached policies add up per role, permissions per function, bus policies per bus."""
    inline: defaultdict[str, int] = defaultdict(int)
    for logical_id, p in here.resources("AWS::IAM::Role"):
        for policy in p.get("Policies", []):
            inline[logical_id] += _characters(here.resolved(policy["PolicyDocument"]))
    for _, p in here.resources("AWS::IAM::Policy"):
        size = _characters(here.resolved(p["PolicyDocument"]))
        for role in p.get("Roles", []):
            inline[json.dumps(role)] += size
    for role, size in inline.items():
        yield f"/{role}", INLINE_POLICIES, size
    attached: defaultdict[str, int] = defaultdict(int)
    for logical_id, p in here.resources("AWS::IAM::Role"):
        attached[_compact({"Ref": logical_id})] += len(p.get("ManagedPolicyArns", []))
    for _, p in here.resources("AWS::IAM::ManagedPolicy"):
        for role in p.get("Roles", []):
            attached[_compact(role)] += 1
    for role, count in attached.items():
        yield f" (role {role})", ATTACHED_POLICIES, count
    functions: defaultdict[str, int] = defaultdict(int)
    for _, p in here.resources("AWS::Lambda::Permission"):
        functions[_compact(p["FunctionName"])] += _bytes(here.resolved(p)) + _PERMISSION_OVERHEAD
    for function, size in functions.items():
        yield f" (function {function})", FUNCTION_POLICY, size
    buses: defaultdict[str, int] = defaultdict(int)
    for _, p in here.resources("AWS::Events::EventBusPolicy"):
        document = p.get("Policy") or {"Statement": [p.get("Statement")]}
        buses[json.dumps(p.get("EventBusName"))] += _characters(here.resolved(document))
    for bus, size in buses.items():
        yield f" (bus {bus})", BUS_POLICY, size
