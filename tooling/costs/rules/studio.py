"""SageMaker Studio: the domain costs nothing idle; its JupyterLab apps bill while open."""

from __future__ import annotations

from collections.abc import Iterator

from tooling.costs.model import CostLine, Item
from tooling.costs.template import Resource


def domain(resource: Resource) -> Iterator[Item]:
    props = resource.properties
    name = props.get("DomainName") if isinstance(props.get("DomainName"), str) else resource.logical_id
    lab = (props.get("DefaultUserSettings") or {}).get("JupyterLabAppSettings") or {}
    idle = ((lab.get("AppLifecycleManagement") or {}).get("IdleSettings")) or {}
    instance_type = (lab.get("DefaultResourceSpec") or {}).get("InstanceType", "their instance")
    if idle.get("LifecycleManagement") == "ENABLED" and idle.get("IdleTimeoutInMinutes"):
        apps = (
            f"JupyterLab apps ({instance_type}) shut down after {idle['IdleTimeoutInMinutes']} min idle, "
            "so none are counted"
        )
    else:
        apps = f"JupyterLab apps ({instance_type}) bill while open: no idle shutdown set, none counted"
    note = f"the domain costs nothing idle; {apps}; home directories (EFS) bill by volume"
    yield CostLine(f"SageMaker Studio domain {name}", 1, 0.0, note, resource.condition)
