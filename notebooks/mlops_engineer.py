# %% [markdown]
# # MLOps engineer: run the model-build pipeline, follow it, read what it registered, watch promotion
#
# Start the project's model-build pipeline, follow its steps, read the metrics of the version it
# registered, and look at the promotion pipeline's state. The pipeline's jobs run inside the VPC
# with the platform's keys and role: the deployed definition says so, not this notebook.
# Copy it out of `~/platform-starters/` to change it.

# %%
import json
import time

import boto3
from platform_context import project, session
from sagemaker.mlops.workflow import Pipeline

churn = project()
sagemaker = boto3.client("sagemaker")

# %% [markdown]
# ## Start the model-build pipeline, with its deployed parameters

# %%
sagemaker_session = session()
pipeline = Pipeline(name=churn["model_build_pipeline"], sagemaker_session=sagemaker_session)
execution = pipeline.start()
arn = execution.arn
print("started", arn)

# %% [markdown]
# ## Follow its steps (until it ends; each step's job, status and failure reason)

# %%
while True:
    status = sagemaker.describe_pipeline_execution(PipelineExecutionArn=arn)["PipelineExecutionStatus"]
    steps = sagemaker.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending")
    for step in steps["PipelineExecutionSteps"]:
        print(f"  {step['StepName']:<24} {step['StepStatus']:<10} {step.get('FailureReason', '')}")
    if status not in ("Executing", "Stopping"):
        break
    time.sleep(30)
print("execution", status)

# %% [markdown]
# ## The metrics of the newest version in the project's group

# %%
newest = sagemaker.list_model_packages(
    ModelPackageGroupName=churn["package_group"], SortBy="CreationTime", SortOrder="Descending", MaxResults=1
)["ModelPackageSummaryList"][0]
package = sagemaker.describe_model_package(ModelPackageName=newest["ModelPackageArn"])
uri = package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]
bucket, key = uri.removeprefix("s3://").split("/", 1)
metrics = json.loads(boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
print(f"version {package.get('ModelPackageVersion')}: {package['ModelApprovalStatus']}, {metrics['quality']}")

# %% [markdown]
# ## The promotion pipeline: each stage's latest state

# %%
state = boto3.client("codepipeline").get_pipeline_state(name=churn["promotion_pipeline"])
for stage in state["stageStates"]:
    latest = stage.get("latestExecution", {})
    print(f"  {stage['stageName']:<16} {latest.get('status', 'never ran')}")
