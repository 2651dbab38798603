"""Commands around the synthesized cloud assembly: reading it, linting it, summarising it.

Every `python -m tooling.<command>` imports this package first, so `jsii_runtime` points jsii at the
pinned Node.js before any command imports aws_cdk."""

from tooling import jsii_runtime  # noqa: F401
