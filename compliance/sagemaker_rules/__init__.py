"""Our SageMaker pack: what AwsSolutions and NIST do not check about an ML platform."""

from compliance.sagemaker_rules.pack import SageMakerChecks

__all__ = ["SageMakerChecks"]
