"""What the Studio starter notebooks (`notebooks/`) call, as their persona's role, beyond the jobs'
own calls: the objects they read and upload, and the jobs as the notebooks start them."""

from __future__ import annotations

from compliance.iam.platform import Platform
from compliance.iam.workflows.calls import SCIKIT_LEARN, Call, Job, job_calls, s3_read, s3_write
from platform_config import naming


def data_engineer_starter(p: Platform) -> list[Call]:
    """Read the raw sample, upload the job's code to the SDK's default bucket (processed data,
    `studio/data-engineer/`), and convert the raw data to Parquet there."""
    raw, processed = p.bucket("raw-data"), p.bucket("processed-data")
    code = "studio/data-engineer/code/to_parquet.py"
    job = Job(
        "Processing",
        f"{p.name}-to-parquet-2026-12-01-00-00-00-000",
        p.role_arn(naming.persona_role(p.name, "data-engineer")),
        p.data_key,
        reads=((raw, f"{p.project}/input/churn.csv", p.data_key), (processed, code, p.data_key)),
        writes=((processed, f"{p.project}/parquet/data.parquet", p.data_key),),
        image=SCIKIT_LEARN,
    )
    return [
        *s3_read(raw, f"{p.project}/input/churn.csv", f"{p.project}/input/", p.data_key, p.region),
        *s3_write(processed, code, p.data_key, p.region),
        *job_calls(p, job),
    ]


def data_scientist_starter(p: Platform) -> list[Call]:
    """Read the pipeline's scripts and the data engineer's Parquet, upload the train split, code and
    evaluation report to the SDK's default bucket (model artifacts, `studio/data-scientist/`), and
    train there."""
    processed, artifacts = p.bucket("processed-data"), p.bucket("model-artifacts")
    mine = "studio/data-scientist"
    name = f"{p.name}-{p.project}-train-20261201000000"
    job = Job(
        "Training",
        name,
        p.role_arn(naming.persona_role(p.name, "data-scientist")),
        p.data_key,
        reads=(
            (artifacts, f"{mine}/train/train.csv", p.artifacts_key),
            (artifacts, f"{mine}/{name}/input/code/train.py", p.artifacts_key),
        ),
        writes=((artifacts, f"{mine}/training/{name}/output/model.tar.gz", p.artifacts_key),),
        image=SCIKIT_LEARN,
    )
    code = naming.model_build_code(p.project)
    return [
        *s3_read(artifacts, f"{code}/preprocess.py", f"{code}/", p.artifacts_key, p.region),
        *s3_read(
            processed, f"{p.project}/parquet/data.parquet", f"{p.project}/parquet/", p.data_key, p.region
        ),
        *s3_write(artifacts, f"{mine}/train/train.csv", p.artifacts_key, p.region),
        *s3_write(artifacts, f"{mine}/{name}/evaluation.json", p.artifacts_key, p.region),
        *job_calls(p, job),
    ]
