"""AWS access for the tool: clients in the dev account's region, the account check, and dry runs.

Every call that changes something goes through `Aws.change`, so `--dry-run` is enforced in one place:
reads still happen (to find versions, tokens and states), changes are printed instead of made.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from promotion_cli.errors import CliError

STALE_CREDENTIALS = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
}


class Aws:
    """Clients for one account and region, created once each."""

    def __init__(self, session: boto3.Session, region: str, *, dry_run: bool) -> None:
        self.session = session
        self.region = region
        self.dry_run = dry_run
        self._clients: dict[str, BaseClient] = {}

    def client(self, service: str) -> BaseClient:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region)
        return self._clients[service]

    @cached_property
    def identity(self) -> dict[str, str]:
        return self.client("sts").get_caller_identity()

    @property
    def partition(self) -> str:
        return self.identity["Arn"].split(":")[1]

    def require_account(self, account_id: str) -> None:
        """Refuse to work in the wrong account: the registry and pipelines exist only in dev."""
        actual = self.identity["Account"]
        if actual != account_id:
            raise CliError(
                f"your AWS credentials are for account {actual}, but the model registry and promotion "
                f"pipelines live in the dev account {account_id} (accounts.dev in the config)",
                f"pass --profile with credentials for account {account_id}",
            )

    def change(self, service: str, method: str, **params: Any) -> dict[str, Any] | None:
        """Make a change, or under --dry-run print exactly the call that would make it."""
        client = self.client(service)
        if self.dry_run:
            operation = client.meta.method_to_api_mapping.get(method, method)
            print(
                f"dry run, nothing changed: would call {service} {operation} in {self.region} "
                f"with {json.dumps(params)}"
            )
            return None
        return getattr(client, method)(**params)


def _fix(code: str) -> str:
    if "AccessDenied" in code or code == "UnauthorizedOperation":
        return "use credentials allowed to make this call in the dev account (--profile)"
    if code in STALE_CREDENTIALS:
        return "refresh your credentials (e.g. `aws sso login`) or pass another --profile"
    if "NotFound" in code:
        return "check that the platform is deployed in this account and region (--region)"
    if "Throttl" in code or code == "TooManyRequestsException":
        return "wait a moment and run the command again"
    return "read the AWS message above; the call and region are named in it"


def explain(error: ClientError, region: str | None) -> CliError:
    """An AWS refusal as one line: which call, what AWS said, and the likely fix."""
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", "").rstrip(".")
    return CliError(f"AWS refused {error.operation_name} in {region}: {code}: {message}", _fix(code))
