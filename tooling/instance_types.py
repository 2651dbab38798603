"""Writes `platform_config/instance_types.json`: the SageMaker instance types each use in the config
accepts, read offline from botocore's SageMaker API model and the CloudFormation provider schemas
cfn-lint bundles (where a CloudFormation property enumerates them, a type must be in both: the API
refuses the rest at run time, CDK's validator at synthesis).

Run `python -m tooling.instance_types` after upgrading botocore or cfn-lint; a test fails until then.
"""

from __future__ import annotations

import json

import botocore.session

from cfn.schemas import DEFAULT_REGION, _provider_types, _schema_file
from platform_config.instance_types import INSTANCE_TYPES_FILE

# Each use: the API shapes its value is sent as, and the CloudFormation enumeration it becomes.
SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {
    # Studio's JupyterLab default (AWS::SageMaker::Domain ResourceSpec.InstanceType).
    "studio": (("AppInstanceType",), ("AWS::SageMaker::Domain", "AppInstanceType")),
    # The model-build pipeline's training job (a pipeline parameter: only the API checks it).
    "training": (("TrainingInstanceType",), None),
    # The pipeline's processing jobs and Model Monitor's jobs (MonitoringClusterConfig.InstanceType).
    "processing": (("ProcessingInstanceType",), None),
    # Registered with the model package as both its real-time and its batch-transform instance type.
    "inference": (("ProductionVariantInstanceType", "TransformInstanceType"), None),
    # Endpoint variants (AWS::SageMaker::EndpointConfig ProductionVariant.InstanceType).
    "hosting": (("ProductionVariantInstanceType",), ("AWS::SageMaker::EndpointConfig", "ProductionVariant")),
}
# AppInstanceType's value for Studio's own system apps, not an instance a notebook runs on.
NOT_INSTANCES = {"system"}


def _cfn_enum(resource_type: str, definition: str) -> set[str]:
    node = _schema_file(_provider_types(DEFAULT_REGION)[resource_type])["definitions"][definition]
    return set(node.get("properties", {}).get("InstanceType", node).get("enum", []))


def instance_types() -> dict[str, list[str]]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    table = {}
    for use, (shapes, cfn) in SOURCES.items():
        accepted = set.intersection(*(set(model.shape_for(shape).enum) for shape in shapes))
        if cfn:
            accepted &= _cfn_enum(*cfn)
        table[use] = sorted(accepted - NOT_INSTANCES)
    return table


def to_json(table: dict[str, list[str]]) -> str:
    return json.dumps(table, indent=1) + "\n"


if __name__ == "__main__":
    INSTANCE_TYPES_FILE.write_text(to_json(instance_types()), encoding="utf-8")
    print(f"wrote {INSTANCE_TYPES_FILE.name}")
