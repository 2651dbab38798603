"""The walk from a prod endpoint back to the code that built its model: boto3 clients in, `Link`s out.

Nothing here prints. Each link records which account it lives in and which API calls it came from:

    link                account  API
    endpoint            prod     DescribeEndpoint
    endpoint config     prod     DescribeEndpointConfig
    model               prod     DescribeModel (its container names the model package by ARN)
    model package       dev      DescribeModelPackage (approval: LastModifiedBy/-Time, ApprovalDescription)
    pipeline execution  dev      the package's MetadataProperties.GeneratedBy, or else SageMaker lineage:
                                 ListArtifacts(SourceUri=package ARN) -> QueryLineage (ascendants: the
                                 training job's trial component) -> DescribeTrialComponent (its Source is
                                 the training job) -> ListTags(training job): its tag
                                 sagemaker:pipeline-execution-arn; then DescribePipelineExecution
    training job        dev      ListPipelineExecutionSteps (the training step's job), or the lineage
                                 above; then DescribeTrainingJob
    training data       dev      the training job's InputDataConfig
    data versions       dev      ListObjectVersions of those channels, as of the job's start, and
                                 of the execution's InputDataUri (ListPipelineParametersForExecution)
    code version        dev      see `lineage/code_version.py` for the lookup order

A link that cannot be followed (permission, deleted resource, an API not available) becomes a `Link`
with `unknown` set to a one-line reason, and the walk goes on with whatever it still knows. Only the
endpoint itself is required: the walk raises `EndpointNotFound` when prod has no such one.

Each hop is a function of `lineage/hops.py`; `link.py` holds the `Link` and what the hops share,
`facts.py` reads each description into its link, `lookups.py` finds what the registry does not name.
"""

from __future__ import annotations

from typing import Any

from lineage import hops
from lineage.link import Link


def walk(prod: Any, dev: Any, endpoint_name: str, dev_s3: Any) -> list[Link]:
    """The chain from the prod endpoint `endpoint_name` to its code version; `prod` and `dev` are
    SageMaker clients in those accounts, `dev_s3` an S3 client in dev. Raises `EndpointNotFound`,
    or `ClientError` when the endpoint itself cannot be read; every later link that cannot be
    followed is an unknown `Link`."""
    endpoint = hops.endpoint(prod, endpoint_name)
    config = hops.endpoint_config(prod, endpoint.described)
    model = hops.model(prod, config.described)
    package = hops.model_package(dev, model.described)
    execution = hops.pipeline_execution(dev, package.described)
    job = hops.training_job(dev, package.described, execution)
    return [
        endpoint.link,
        config.link,
        model.link,
        package.link,
        execution.link,
        job.link,
        hops.training_data(job.described),
        hops.data(dev_s3, dev, job.described, execution.described),
        hops.code(dev, package.described, execution.described),
    ]
