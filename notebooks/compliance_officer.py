# %% [markdown]
# # Compliance officer: review pending versions, approve or reject, answer the prod gate
#
# List the versions awaiting approval, read their metrics and reports (the model card and the bias
# report too, where the version has them), approve or reject one with a comment, and answer the
# promotion pipeline's prod gate. Only your role may do the last two.
# Copy it out of `~/platform-starters/` to change it.

# %%
import json

import boto3
from botocore.exceptions import ClientError
from platform_context import project

churn = project()
sagemaker, s3 = boto3.client("sagemaker"), boto3.client("s3")


def read_json(uri):
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


# %% [markdown]
# ## Versions awaiting approval

# %%
pending = sagemaker.list_model_packages(
    ModelPackageGroupName=churn["package_group"], ModelApprovalStatus="PendingManualApproval"
)["ModelPackageSummaryList"]
for summary in pending:
    print(summary["ModelPackageArn"], summary["CreationTime"])

# %% [markdown]
# ## One version's metrics and reports

# %%
version = sagemaker.describe_model_package(ModelPackageName=pending[0]["ModelPackageArn"])
metrics = version.get("ModelMetrics", {})
quality = metrics.get("ModelQuality", {}).get("Statistics")
print("quality:", read_json(quality["S3Uri"])["quality"] if quality else "none attached")
bias = metrics.get("Bias", {}).get("Report")
print("bias report:", read_json(bias["S3Uri"]) if bias else "none attached")
card = version.get("ModelCard")  # a model card attached to the version, where there is one
if card:
    print("model card:", card.get("ModelCardStatus"), json.loads(card.get("ModelCardContent", "{}")).keys())
else:
    try:  # or the project's model cards, by name
        cards = sagemaker.list_model_cards(NameContains=churn["name"])["ModelCardSummaries"]
        print("model cards:", [(c["ModelCardName"], c["ModelCardStatus"]) for c in cards] or "none")
    except ClientError as error:
        print("model cards: not readable", f"({error.response['Error']['Code']})")

# %% [markdown]
# ## Approve (or reject) it, with your reason

# %%
decision, comment = "Approved", "metrics and reports reviewed in Studio"
sagemaker.update_model_package(
    ModelPackageArn=version["ModelPackageArn"], ModelApprovalStatus=decision, ApprovalDescription=comment
)
print(decision, version["ModelPackageArn"])

# %% [markdown]
# ## The prod gate, once the promotion pipeline waits at it

# %%
codepipeline = boto3.client("codepipeline")
state = codepipeline.get_pipeline_state(name=churn["promotion_pipeline"])
gate = next(s for s in state["stageStates"] if s["stageName"] == "ApproveForProd")
waiting = [a for a in gate.get("actionStates", []) if a.get("latestExecution", {}).get("token")]
if waiting:
    codepipeline.put_approval_result(
        pipelineName=churn["promotion_pipeline"],
        stageName="ApproveForProd",
        actionName=waiting[0]["actionName"],
        result={"summary": "acceptance results reviewed", "status": "Approved"},
        token=waiting[0]["latestExecution"]["token"],
    )
    print("gate approved")
else:
    print("nothing waits at the prod gate")
