"""The code version a model was built from: the last link of the chain.

Looked up in this order; the first found wins:

1. the model package's `MetadataProperties.CommitId` (with `.Repository` if set);
2. the pipeline execution's description, written as `git-commit=<sha>` or `code-version=<v>`;
3. the model-build pipeline's tags `code-version`, then `git-commit`.

The platform records none of these yet, so today this says "not recorded". **A platform team
should set the first**: the register step of the model-build pipeline passes
`MetadataProperties={"CommitId": <sha>, "Repository": <url>}` to CreateModelPackage, the commit
coming from a pipeline parameter that the deployment (or whoever starts the execution) fills in.
It is written once per version, cannot change afterwards, and sits in the registry beside the
approval it justifies. The execution description depends on whoever starts each run, and a
pipeline tag describes the pipeline as deployed now, not necessarily as it ran: when the pipeline
changed after the execution started, the link says so.

"not recorded" is only said when every place could be read; a lookup that failed makes the link
unknown instead, with the reason.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lineage.link import DEV, EXECUTION_ARN, NOT_RECORDED, Failed, Link, attempt, facts, gap, when

# Pipeline tags read as the code version, in this order.
CODE_VERSION_TAGS = ("code-version", "git-commit")
IN_PACKAGE = "model package MetadataProperties.CommitId"
IN_DESCRIPTION = "pipeline execution description"
IN_TAGS = f"pipeline tags {'/'.join(CODE_VERSION_TAGS)}"
_DESCRIPTION_VERSION = re.compile(r"\b(?:code-version|git-commit)\s*[=:]\s*([\w./+-]+)", re.IGNORECASE)


def find(dev: Any, package: dict[str, Any] | None, execution: dict[str, Any] | None) -> Link:
    """The code version's link from what the walk knows: the package and the execution, or None."""
    looked_in = []
    if package is not None:
        looked_in.append(IN_PACKAGE)
        if found := from_package(package):
            return found
    if execution is not None:
        looked_in += [IN_DESCRIPTION, IN_TAGS]
        if found := from_description(execution):
            return found
        tags = attempt(lambda: dev.list_tags(ResourceArn=execution.get("PipelineArn")).get("Tags", []))
        if isinstance(tags, Failed):
            return gap("code-version", DEV, tags.reason, source="ListTags")
        if found := from_pipeline_tags(dev, execution, tags):
            return found
    if not looked_in:
        return gap("code-version", DEV, "neither the model package nor the pipeline execution is known")
    return Link("code-version", DEV, NOT_RECORDED, {"looked_in": looked_in}, "")


def from_package(package: dict[str, Any]) -> Link | None:
    properties = package.get("MetadataProperties", {})
    if not properties.get("CommitId"):
        return None
    shown = facts(found_in=IN_PACKAGE, repository=properties.get("Repository"))
    return Link("code-version", DEV, properties["CommitId"], shown, "DescribeModelPackage")


def from_description(execution: dict[str, Any]) -> Link | None:
    found = _DESCRIPTION_VERSION.search(execution.get("PipelineExecutionDescription") or "")
    if not found:
        return None
    return Link(
        "code-version", DEV, found.group(1), {"found_in": IN_DESCRIPTION}, "DescribePipelineExecution"
    )


def from_pipeline_tags(dev: Any, execution: dict[str, Any], tags: list[dict[str, str]]) -> Link | None:
    """The first code-version tag of the pipeline, with a caveat when the pipeline changed after the run."""
    values = {tag.get("Key"): tag.get("Value") for tag in tags}
    key = next((key for key in CODE_VERSION_TAGS if values.get(key)), None)
    if key is None:
        return None
    shown: dict[str, Any] = {"found_in": f"pipeline tag {key}"}
    caveat = _tag_caveat(dev, execution)
    if caveat:
        shown["caveat"] = caveat
    return Link("code-version", DEV, values[key], shown, "ListTags")


def _tag_caveat(dev: Any, execution: dict[str, Any]) -> str | None:
    """Why the pipeline's tag may not be the code the execution ran, or None when it is."""
    match = EXECUTION_ARN.fullmatch(execution.get("PipelineExecutionArn", ""))
    pipeline = attempt(lambda: dev.describe_pipeline(PipelineName=match.group(1)) if match else None)
    if isinstance(pipeline, Failed):
        return f"the tag is the pipeline's now; when it last changed is unknown ({pipeline.reason})"
    changed, started = (pipeline or {}).get("LastModifiedTime"), execution.get("CreationTime")
    if isinstance(changed, datetime) and isinstance(started, datetime) and changed > started:
        return (
            f"the pipeline changed at {when(changed)}, after this execution started: the tag may postdate it"
        )
    return None
