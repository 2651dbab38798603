"""Reading synthesized templates in tests: resources by type, the one resource of a type or of a
name, and the services a policy statement names as principal."""

from __future__ import annotations

from typing import Any


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resource, for every resource of `resource_type`."""
    return {i: r for i, r in template["Resources"].items() if r["Type"] == resource_type}


def one(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """The template's only resource of `resource_type` (fails if there are none or several)."""
    (resource,) = resources(template, resource_type).values()
    return resource


def named(template: dict[str, Any], resource_type: str, name_property: str, name: str) -> tuple[str, dict]:
    """(logical id, resource) of the template's one resource of `resource_type` whose `name_property`
    is `name` (fails if there are none or several)."""
    [(logical_id, resource)] = [
        (i, r)
        for i, r in resources(template, resource_type).items()
        if r["Properties"].get(name_property) == name
    ]
    return logical_id, resource


def principal_services(statement: dict[str, Any]) -> list[str]:
    """The service principals a statement names, as a list whether it names one or several."""
    principal = statement.get("Principal")
    services = principal.get("Service", []) if isinstance(principal, dict) else []
    return [services] if isinstance(services, str) else services
