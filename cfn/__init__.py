"""Reading synthesized CloudFormation: the cloud assembly, what a value references or renders to, the
provider schemas cfn-lint bundles, and what an update with other parameter values would replace.
Plain JSON in; it imports nothing else of the platform, so checks and tools at any layer use it."""
