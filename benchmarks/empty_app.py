"""The floor: a CDK app with one trivial resource, the same context and the same checks as app.py.

`--skeleton STACKS RESOURCES` first imports what app.py imports (the platform's modules and the
aws-cdk-lib modules their resources need), then spreads RESOURCES trivial resources over STACKS
stacks: the shape of a synthesized platform without one property, which any synthesis of that
platform costs at least.
"""

import gc
import importlib
import sys

import tooling.jsii_runtime  # noqa: F401  (the same Node.js and settings as app.py)

# isort: split
from aws_cdk import CfnWaitConditionHandle, Stack

from compliance.checks import add_checks, new_app

SKELETON = sys.argv[1:2] == ["--skeleton"]
if SKELETON:
    importlib.import_module("app")
    gc.freeze()  # as app.py does when run
stacks, resources = (int(n) for n in sys.argv[2:4]) if SKELETON else (1, 1)

app = new_app()
for index in range(stacks):
    stack = Stack(app, f"Empty{index}")
    for resource in range(index, resources, stacks):  # CloudFormation rejects an empty template
        CfnWaitConditionHandle(stack, f"Nothing{resource}")
add_checks(app)
app.synth()
