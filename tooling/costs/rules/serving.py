"""SageMaker endpoints: each variant of the endpoint's config bills for its instances around the clock
(the autoscaling minimum if a scalable target sets one, else the initial count); a serverless variant
bills nothing idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cfn.values import join, renderer
from tooling.costs.model import CostLine, Item, condition_label, notes, usd
from tooling.costs.template import Resource, Template

ENDPOINT = "AWS::SageMaker::Endpoint"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"


def endpoint(resource: Resource) -> Iterator[Item]:
    """A line per production variant of the endpoint's config, or one unpriced line without it."""
    template = resource.template
    name = endpoint_name(resource.logical_id, resource.properties)
    wanted = resource.properties.get("EndpointConfigName")
    config_id = template.referenced(wanted, (ENDPOINT_CONFIG,), "EndpointConfigName")
    if config_id is None:
        note = "price unknown: its endpoint config is not in this template"
        yield CostLine(f"endpoint {name}", 1, None, notes(note, resource.when), resource.condition)
        return
    config = template.resources[config_id]
    condition = resource.condition or config.get("Condition")
    variants = (config.get("Properties") or {}).get("ProductionVariants") or []
    minimums = scalable_minimums(template)
    for variant in variants if isinstance(variants, list) else []:
        variant_name = template.literal(variant.get("VariantName")) or "?"
        what = f"endpoint {name}/{variant_name}"
        serverless = variant.get("ServerlessConfig")
        if serverless is not None:
            yield _serverless(what, serverless, condition, template)
        else:
            minimum = minimums.get(f"endpoint/{name}/variant/{variant_name}")
            yield _instances(what, variant, minimum, condition, template)


def _serverless(what: str, serverless: dict, condition: str | None, template: Template) -> CostLine:
    when = condition_label(condition)
    provisioned = template.number(serverless.get("ProvisionedConcurrency"))
    if provisioned:
        note = f"price unknown: provisioned concurrency {provisioned:g} bills while idle, not in prices.toml"
        return CostLine(f"{what}: serverless", 1, None, notes(note, when), condition)
    note = "serverless: $0 idle, billed per request and compute-second"
    return CostLine(f"{what}: serverless", 1, 0.0, notes(note, when), condition)


def _instances(what: str, variant: dict, minimum: Any, condition: str | None, template: Template) -> CostLine:
    """The variant's instances: the scalable target's `minimum` if there is one, else the initial count."""
    when = condition_label(condition)
    instance_type = template.literal(variant.get("InstanceType"))
    if minimum is not None:
        count, basis = template.number(minimum), "autoscaling MinCapacity"
    else:
        count, basis = template.number(variant.get("InitialInstanceCount")), "InitialInstanceCount"
    what = f"{what}: {instance_type or '?'}"
    if not isinstance(instance_type, str):
        return CostLine(
            what, count or 0, None, notes("price unknown: instance type not literal", when), condition
        )
    if count is None:
        return CostLine(what, 0, None, notes("price unknown: instance count not literal", when), condition)
    region, prices = template.region, template.prices
    rate = prices.regional(region, instance_type, "sagemaker_hosting")
    if rate is None:
        note = f"price unknown: no {instance_type} hosting price for {region} in prices.toml"
        return CostLine(what, count, None, notes(note, when), condition)
    monthly = count * rate.per_unit * prices.hours_per_month
    note = f"{basis}; {usd(rate.per_unit)}/instance-hour ({rate.source})"
    return CostLine(what, count, monthly, notes(note, when), condition)


def endpoint_name(logical_id: str, properties: dict) -> str:
    name = properties.get("EndpointName")
    return name if isinstance(name, str) else f"<{logical_id}>"


def scalable_minimums(template: Template) -> dict[str, Any]:
    """`endpoint/<name>/variant/<variant>` -> MinCapacity of the scalable target that targets it."""
    names = {lid: endpoint_name(lid, r.get("Properties") or {}) for lid, r in template.of_type(ENDPOINT)}
    minimums: dict[str, Any] = {}
    for _, target in template.of_type(SCALABLE_TARGET):
        props = target.get("Properties", {}) or {}
        if props.get("ServiceNamespace") != "sagemaker":
            continue
        resource_id = _render(props.get("ResourceId"), names)
        if resource_id is not None:
            minimums.setdefault(resource_id, props.get("MinCapacity"))
    return minimums


def _render(value: Any, names: dict[str, str]) -> str | None:
    """A string-valued intrinsic rendered with endpoint names put in; None if it cannot be."""

    def endpoint_name(arguments: Any, _: Any) -> str:
        logical_id, attribute = arguments if isinstance(arguments, list) else str(arguments).split(".", 1)
        if attribute != "EndpointName" or logical_id not in names:
            raise ValueError(arguments)
        return names[logical_id]

    def sub(text: Any, _: Any) -> str:
        for logical_id, endpoint in names.items():
            text = text.replace(f"${{{logical_id}.EndpointName}}", endpoint)
        if "${" in text:
            raise ValueError(text)
        return text

    def unrenderable(other: Any) -> str:
        raise ValueError(other)

    try:
        return renderer({"Fn::Join": join, "Fn::GetAtt": endpoint_name, "Fn::Sub": sub}, unrenderable)(value)
    except (ValueError, TypeError, AttributeError):
        return None
