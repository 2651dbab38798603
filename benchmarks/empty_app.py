"""The floor: a CDK app with one trivial resource, the same context and the same checks as app.py.

With `--platform-imports` it first imports what app.py imports (the platform's modules and the 26
aws-cdk-lib modules their resources need) and builds nothing more: what any synthesis of the
platform pays before its first resource.
"""

import importlib
import sys

import tooling.jsii_runtime  # noqa: F401  (the same Node.js and settings as app.py)

if "--platform-imports" in sys.argv:
    importlib.import_module("app")

# isort: split
from aws_cdk import CfnWaitConditionHandle, Stack

from compliance.checks import add_checks, new_app

app = new_app()
CfnWaitConditionHandle(Stack(app, "Empty"), "Nothing")  # CloudFormation rejects an empty template
add_checks(app)
app.synth()
