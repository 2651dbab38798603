"""Reads the IAM policies a role gets in a synthesized template, and decides actions as IAM would,
for unconditional questions ("may this role ever call X?"): an explicit deny wins, then an allow
that the permissions boundary also allows."""

from __future__ import annotations

from fnmatch import fnmatchcase


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _policies_of(template: dict, role_id: str) -> list[dict]:
    resources = template["Resources"]
    role = resources[role_id]["Properties"]
    # Policies of this template only; ones from other stacks arrive as cross-stack references.
    attached = {ref["Ref"] for ref in role.get("ManagedPolicyArns", []) if isinstance(ref, dict) and "Ref" in ref}
    return [
        resource["Properties"]["PolicyDocument"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
        and (logical_id in attached or {"Ref": role_id} in resource["Properties"].get("Roles", []))
    ]


def _matches(statement: dict, action: str) -> bool:
    return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in _as_list(statement["Action"]))


def statements(template: dict, role_id: str) -> list[dict]:
    return [s for document in _policies_of(template, role_id) for s in document["Statement"]]


def decide(template: dict, role_id: str, action: str, *, conditions_hold: bool = True) -> str:
    """'deny' (explicit), 'allow', or 'implicit-deny'. Conditions are assumed to hold (the request
    meets them) unless `conditions_hold` is False, when conditional allows do not count."""
    role_statements = statements(template, role_id)
    if any(s["Effect"] == "Deny" and "Condition" not in s and _matches(s, action) for s in role_statements):
        return "deny"
    allowed = any(
        s["Effect"] == "Allow" and _matches(s, action) and (conditions_hold or "Condition" not in s)
        for s in role_statements
    )
    boundary = template["Resources"][role_id]["Properties"].get("PermissionsBoundary", {})
    if allowed and "Ref" in boundary:  # a boundary of this template
        document = template["Resources"][boundary["Ref"]]["Properties"]["PolicyDocument"]
        if any(s["Effect"] == "Deny" and "Condition" not in s and _matches(s, action) for s in document["Statement"]):
            return "deny"
        allowed = any(s["Effect"] == "Allow" and _matches(s, action) for s in document["Statement"])
    return "allow" if allowed else "implicit-deny"
