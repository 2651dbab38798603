# %% [markdown]
# # Data scientist: explore, train locally and as a job, record, register
#
# Subnets, keys and role come from the SDK defaults file the platform wrote
# (`~/.config/sagemaker/config.yaml`). Copy this out of `~/platform-starters/` to change it.

# %%
import io
import json
import sys
from pathlib import Path

import boto3
import pandas as pd
from platform_context import CONTEXT, project, session, trainer_defaults

churn = project()
s3 = boto3.client("s3")
# The model-build pipeline's own preprocessing and evaluation, as deployed (its CodeUri).
for script in ("preprocess.py", "evaluate.py"):
    s3.download_file(
        CONTEXT["buckets"]["model-artifacts"], f"{churn['code_prefix']}/{script}", f"jobs/{script}"
    )
sys.path.append(str(Path("jobs").resolve()))
import evaluate
import preprocess
import train  # the training script the job runs

# %% [markdown]
# ## Explore the data locally: the data engineer's PII-free Parquet
# (the data engineer's starter writes it; you may read processed data, never raw data)

# %%
processed = CONTEXT["buckets"]["processed-data"]
parquet = s3.get_object(Bucket=processed, Key=f"{churn['name']}/parquet/data.parquet")["Body"].read()
data = pd.read_parquet(io.BytesIO(parquet))
assert not set(churn["pii_columns"]) & set(data.columns)
print(data.describe().T[["mean", "min", "max"]])
print("churn rate:", round(data[churn["label"]].mean(), 3))

# %% [markdown]
# ## Train locally, on the pipeline's splits

# %%
splits = preprocess.split(preprocess.encode(data, churn["label"]), 0.15, 0.15, seed=42)
model = train.fit(splits["train"].iloc[:, 0].to_numpy(), splits["train"].iloc[:, 1:].to_numpy())
test = splits["test"]
scores = model.predict_proba(test.iloc[:, 1:].to_numpy())[:, 1]
report = evaluate.report(test.iloc[:, 0].to_numpy(), scores, churn["quality_metric"])
print("local", churn["quality_metric"], round(report["quality"]["value"], 3))

# %% [markdown]
# ## The same training as a SageMaker job (`jobs/train.py`, scikit-learn container)

# %%
from sagemaker.core.training.configs import InputData, SourceCode
from sagemaker.train.model_trainer import ModelTrainer

sagemaker_session = session()
bucket, prefix = sagemaker_session.default_bucket(), sagemaker_session.default_bucket_prefix
train_csv = splits["train"].to_csv(header=False, index=False).encode()
s3.put_object(Bucket=bucket, Key=f"{prefix}/train/train.csv", Body=train_csv)
trainer = ModelTrainer(
    base_job_name=f"{CONTEXT['platform']}-{churn['name']}-train",
    training_image=CONTEXT["images"]["scikit-learn"],
    source_code=SourceCode(source_dir="jobs", entry_script="train.py"),
    sagemaker_session=sagemaker_session,
    **trainer_defaults(),
)
trainer.train(
    input_data_config=[InputData(channel_name="train", data_source=f"s3://{bucket}/{prefix}/train/")],
    logs=False,
)
job = trainer._latest_training_job  # as the SDK's own examples read it
model_data = job.model_artifacts.s3_model_artifacts
print(job.training_job_name, job.training_job_status, model_data)

# %% [markdown]
# ## Record the run as an experiment
# Its settings and test score as the run's parameters: logged metrics go to SageMaker Metrics
# (`metrics.sagemaker.<region>`), which has no endpoint in the VPC.

# %%
from sagemaker.core.experiments.run import Run

with Run(
    experiment_name=f"{CONTEXT['platform']}-{churn['name']}",
    run_name=job.training_job_name,
    sagemaker_session=sagemaker_session,
) as run:
    run.log_parameters({**train.SETTINGS, f"test:{churn['quality_metric']}": report["quality"]["value"]})

# %% [markdown]
# ## Register a version, PendingManualApproval (the only status you may register)

# %%
evaluation_key = f"{prefix}/{job.training_job_name}/evaluation.json"
s3.put_object(Bucket=bucket, Key=evaluation_key, Body=json.dumps(report).encode())
package = boto3.client("sagemaker").create_model_package(
    ModelPackageGroupName=churn["package_group"],
    ModelApprovalStatus="PendingManualApproval",
    ModelPackageDescription=f"trained in Studio by {job.training_job_name}",
    InferenceSpecification={
        "Containers": [{"Image": CONTEXT["images"]["scikit-learn"], "ModelDataUrl": model_data}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    },
    ModelMetrics={
        "ModelQuality": {
            "Statistics": {
                "ContentType": "application/json",
                "S3Uri": f"s3://{bucket}/{evaluation_key}",
            }
        }
    },
)
print("registered", package["ModelPackageArn"], "PendingManualApproval")
