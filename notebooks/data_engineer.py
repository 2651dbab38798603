# %% [markdown]
# # Data engineer: raw data to PII-free Parquet
#
# Read the project's raw data, drop its PII columns with the model-build pipeline's own code, and
# write Parquet to the processed-data bucket with a processing job (and, when the platform has
# Feature Store on, a feature group). Nothing here names a subnet, key or role: the processing job
# gets them from the SageMaker SDK defaults file the platform wrote (`~/.config/sagemaker/config.yaml`).
# Run it top to bottom; copy it out of `~/platform-starters/` to change it.

# %%
import io
import sys
import time
from pathlib import Path

import boto3
import pandas as pd
from platform_context import CONTEXT, project, session

sys.path.append(str(Path("jobs").resolve()))
from preprocess import drop_pii  # the pipeline's own code

churn = project()
raw_bucket, processed_bucket = CONTEXT["buckets"]["raw-data"], CONTEXT["buckets"]["processed-data"]
raw_prefix = f"{churn['name']}/input/"
s3 = boto3.client("s3")

# %% [markdown]
# ## The raw data, and what dropping PII leaves

# %%
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=raw_bucket, Prefix=raw_prefix)["Contents"]]
first_csv = next(key for key in sorted(keys) if key.endswith(".csv"))
raw = pd.read_csv(io.BytesIO(s3.get_object(Bucket=raw_bucket, Key=first_csv)["Body"].read()))
clean = drop_pii(raw, churn["pii_columns"])
print(f"{len(raw)} rows; PII columns dropped: {churn['pii_columns']}; kept: {list(clean.columns)}")

# %% [markdown]
# ## The same, for all the raw data, as a processing job
# VPC, network isolation, encryption between nodes, volume and output keys, role and tags: from
# the defaults file. Job names must start with the platform's name.

# %%
from sagemaker.core.processing import Processor
from sagemaker.core.shapes import ProcessingInput, ProcessingOutput, ProcessingS3Input, ProcessingS3Output

sagemaker_session = session()
code = sagemaker_session.upload_data("jobs", key_prefix=f"{sagemaker_session.default_bucket_prefix}/code")
parquet_uri = f"s3://{processed_bucket}/{churn['name']}/parquet"


def s3_input(name, uri, path):
    return ProcessingInput(
        input_name=name,
        s3_input=ProcessingS3Input(
            s3_uri=uri, local_path=path, s3_data_type="S3Prefix", s3_input_mode="File"
        ),
    )


processor = Processor(
    base_job_name=f"{CONTEXT['platform']}-to-parquet",
    image_uri=CONTEXT["images"]["scikit-learn"],
    entrypoint=["python3", "/opt/ml/processing/input/code/to_parquet.py"],
    instance_type=churn["processing_instance_type"],
    instance_count=1,
    sagemaker_session=sagemaker_session,
)
processor.run(
    inputs=[
        s3_input("code", code, "/opt/ml/processing/input/code"),
        s3_input("raw", f"s3://{raw_bucket}/{raw_prefix}", "/opt/ml/processing/input/data"),
    ],
    outputs=[
        ProcessingOutput(
            output_name="parquet",
            s3_output=ProcessingS3Output(
                s3_uri=parquet_uri, local_path="/opt/ml/processing/output", s3_upload_mode="EndOfJob"
            ),
        )
    ],
    arguments=["--pii-columns", ",".join(churn["pii_columns"])],
    wait=True,
    logs=False,
)
print("Parquet written to", parquet_uri)

# %% [markdown]
# ## A feature group (only when the platform has Feature Store on)
# Its role and keys come from the same defaults file (`SageMaker.FeatureGroup`); its offline
# store lives under `feature-store/` of the processed-data bucket.

# %%
if CONTEXT["feature_store"]:
    defaults = sagemaker_session.sagemaker_config["SageMaker"]["FeatureGroup"]
    features = clean.head(5).assign(record_id=range(5), event_time=pd.Timestamp.now(tz="UTC").isoformat())
    kinds = {"int64": "Integral", "float64": "Fractional"}
    group = f"{CONTEXT['platform']}-{churn['name']}-features"
    boto3.client("sagemaker").create_feature_group(
        FeatureGroupName=group,
        RecordIdentifierFeatureName="record_id",
        EventTimeFeatureName="event_time",
        FeatureDefinitions=[
            {"FeatureName": column, "FeatureType": kinds.get(str(kind), "String")}
            for column, kind in features.dtypes.items()
        ],
        OnlineStoreConfig={"EnableOnlineStore": True, **defaults["OnlineStoreConfig"]},
        OfflineStoreConfig={
            "S3StorageConfig": {
                "S3Uri": f"s3://{processed_bucket}/feature-store/",
                **defaults["OfflineStoreConfig"]["S3StorageConfig"],
            }
        },
        RoleArn=defaults["RoleArn"],
    )
    while (
        boto3.client("sagemaker").describe_feature_group(FeatureGroupName=group)["FeatureGroupStatus"]
        == "Creating"
    ):
        time.sleep(10)
    runtime = boto3.client("sagemaker-featurestore-runtime")
    for record in features.astype(str).to_dict("records"):
        runtime.put_record(
            FeatureGroupName=group, Record=[{"FeatureName": k, "ValueAsString": v} for k, v in record.items()]
        )
    print("feature group", group, "with", len(features), "records")
