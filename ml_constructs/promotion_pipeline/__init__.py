"""A project's promotion pipeline: one approved model package, the same one, to test and then prod.

    Source ─► Resolve ─► DeployTest ─► AcceptanceTest ─► ApproveForProd ─► DeployProd ─► VerifyProd

Its source is what this app synthesized (the project's test and prod serving templates, and the
step scripts in steps/), as a CDK asset: no git provider is involved. The package comes in as the
pipeline variable `ModelPackageArn`; Resolve refuses anything not Approved and finds the version and
registered baselines, which the deploy actions pass to the serving templates as parameters.

CodePipeline starts every new pipeline once by itself, with the variable at its default `none`:
each stage after Source has an entry condition that skips it then, so that run succeeds doing
nothing (docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html, VariableCheck).
"""

from ml_constructs.promotion_pipeline.pipeline import PromotionPipeline, PromotionProps
from ml_constructs.promotion_pipeline.source import STEPS, assemble_source
from ml_constructs.promotion_pipeline.target import Target

__all__ = ["STEPS", "PromotionPipeline", "PromotionProps", "Target", "assemble_source"]
