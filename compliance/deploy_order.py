"""Which stacks must be deployed before which, and whether a deploy order keeps to it.

Most references between the platform's accounts are by name and tolerate a missing target (policies
name roles that may not exist yet through `aws:PrincipalArn` conditions). Some resources AWS checks
against another stack's when CloudFormation creates them; those stacks must come later:

- S3 replication: PutBucketReplication refuses a destination bucket that does not exist yet
  ("InvalidRequest: Destination bucket must exist"), so the bucket replicated into is deployed first.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from cfn.assembly import SynthesizedStack

_S3_ARN = "arn:aws:s3:::"


def prerequisites(stacks: Sequence[SynthesizedStack]) -> list[tuple[str, str, str]]:
    """(stack, the stack it needs deployed first, why), by construct path."""
    owner = {
        bucket["BucketName"]: stack.path
        for stack in stacks
        for _, bucket in stack.resources("AWS::S3::Bucket")
        if isinstance(bucket.get("BucketName"), str)
    }
    needs = set()
    for stack in stacks:
        for _, bucket in stack.resources("AWS::S3::Bucket"):
            for rule in (bucket.get("ReplicationConfiguration") or {}).get("Rules", []):
                destination = rule["Destination"]["Bucket"]
                name = destination.removeprefix(_S3_ARN) if isinstance(destination, str) else None
                if name in owner and owner[name] != stack.path:
                    needs.add((stack.path, owner[name], f"it replicates into bucket {name}"))
    return sorted(needs)


def order_problems(stacks: Sequence[SynthesizedStack], steps: Sequence[str]) -> list[str]:
    """What the deploy `steps` (stack-path patterns in order, e.g. "dev/Storage", "prod/*") break: a
    stack deployed before a stack it needs, or a stack no step deploys."""

    def first_step(path: str) -> int | None:
        return next((i for i, pattern in enumerate(steps) if fnmatchcase(path, pattern)), None)

    problems = [f"{s.path}: no deploy step deploys it" for s in stacks if first_step(s.path) is None]
    for stack, needed, why in prerequisites(stacks):
        later, earlier = first_step(stack), first_step(needed)
        if later is not None and earlier is not None and later <= earlier:
            problems.append(f"{stack} is deployed before {needed}, but {why}: deploy {needed} first")
    return problems
