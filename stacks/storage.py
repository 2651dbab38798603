"""The dev account's data (`ml_constructs/platform_storage.py`), in a stack of its own: Studio, the
pipelines and test and prod's roles all use it."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from ml_constructs.platform_storage import PlatformStorage, StorageProps


class StorageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, props: StorageProps) -> None:
        super().__init__(scope, construct_id, description="Keys and buckets for data and models (dev)")
        self.store = PlatformStorage(self, "Storage", props=props).store
