"""A project's model-build SageMaker Pipeline: its definition, the scripts its jobs run, sample data.

`model_build` builds the definition with the SageMaker SDK (`offline_sdk` lets it do so offline) and
commits it as JSON, one for every project and deployment; `definition` fills it in per project at
synth time without importing the SDK, so that `cdk synth` stays fast and offline. `scripts/` holds
what the processing jobs run, `data/` a synthetic churn dataset to try the pipeline on.
"""
