"""The floor: a CDK app with one trivial resource, the same context and the same checks as app.py."""

import tooling.jsii_runtime  # noqa: F401  (the same Node.js and settings as app.py)

# isort: split
from aws_cdk import CfnWaitConditionHandle, Stack

from compliance.checks import add_checks, new_app

app = new_app()
CfnWaitConditionHandle(Stack(app, "Empty"), "Nothing")  # CloudFormation rejects an empty template
add_checks(app)
app.synth()
