"""AWS for a tool: a session per profile, clients in one account's region, the account check, AWS's
refusals as one line, and dry runs.

Every call that changes something goes through `Aws.change`, so `--dry-run` is enforced in one place:
the change is printed instead of made. A dry run calls nothing at all, reads included, so it needs no
credentials: the commands build the call from the config and skip the checks that read AWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from typing import Any

import boto3
import botocore.session
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from operator_cli.errors import CliError

# How a tool gets its sessions: boto3.Session, or in tests a factory handing out stubbed clients.
SessionFactory = Callable[..., boto3.Session]

STALE_CREDENTIALS = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
}


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "Unknown")


def error_message(error: ClientError) -> str:
    """AWS's message on one line, without its closing full stop."""
    return " ".join(error.response.get("Error", {}).get("Message", "").split()).rstrip(".")


def refused(error: ClientError, fix: str, where: str = "") -> CliError:
    """`AWS refused <call>[ <where>]: <code>: <message>; fix: <fix>`."""
    call = " ".join(filter(None, (error.operation_name, where)))
    return CliError(f"AWS refused {call}: {error_code(error)}: {error_message(error)}", fix)


@cache
def operation(service: str, method: str) -> str:
    """The API operation a client method calls (`update_model_package` -> UpdateModelPackage), from
    botocore's bundled service model."""
    names = botocore.session.get_session().get_service_model(service).operation_names
    return {xform_name(name): name for name in names}[method]


class Aws:
    """Clients for one account and region, created once each.

    `account` names the account's role in the config (dev, prod); `profile_flag` and `region_from`
    are where the tool's user chooses the credentials and the region (a flag, or a config key): the
    fixes name them, so each tool passes its own."""

    def __init__(
        self,
        session: boto3.Session,
        region: str,
        *,
        profile_flag: str,
        region_from: str,
        dry_run: bool = False,
        account: str = "dev",
    ) -> None:
        self.session = session
        self.region = region
        self.dry_run = dry_run
        self.account = account
        self.profile_flag = profile_flag
        self.region_from = region_from
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
        """The region's partition (aws, aws-cn, ...), from botocore's bundled endpoint data: no call."""
        return self.session.get_partition_for_region(self.region)

    def require_account(self, expected: str, wrong: Callable[[str], CliError]) -> None:
        """Refuse credentials for another account than `expected`: `wrong(actual)` says why."""
        actual = self.identity["Account"]
        if actual != expected:
            raise wrong(actual)

    def change(self, service: str, method: str, **params: Any) -> dict[str, Any] | None:
        """Make a change, or under --dry-run print exactly the call that would make it (making no
        client, so no credentials are looked for)."""
        if self.dry_run:
            print(
                f"dry run, nothing changed: would call {service} {operation(service, method)} "
                f"in {self.region} with {json.dumps(params)}"
            )
            return None
        return getattr(self.client(service), method)(**params)

    def likely_fix(self, code: str) -> str:
        """What to do about an AWS error code, naming the flags the tool has."""
        if "AccessDenied" in code or code == "UnauthorizedOperation":
            return f"use credentials allowed to make this call in the {self.account} account ({self.profile_flag})"
        if code in STALE_CREDENTIALS:
            return f"refresh your credentials (e.g. `aws sso login`) or pass another {self.profile_flag}"
        if "NotFound" in code:
            return f"check that the platform is deployed in this account and region ({self.region_from})"
        if "Throttl" in code or code == "TooManyRequestsException":
            return "wait a moment and run the command again"
        return "read the AWS message above; the call and region are named in it"

    def refusal(self, error: ClientError) -> CliError:
        """An AWS refusal as one line: which call, in which region, what AWS said, and the likely fix."""
        return refused(error, self.likely_fix(error_code(error)), f"in {self.region}")

    @contextmanager
    def refusals_explained(self) -> Iterator[None]:
        """Inside, an AWS refusal nobody handled ends the command as `refusal` says."""
        try:
            yield
        except ClientError as error:
            raise self.refusal(error) from None


def connect(session_factory: SessionFactory, profile: str | None, region: str, **options: Any) -> Aws:
    """AWS with the profile's credentials (the default chain without one); `options` as for `Aws`."""
    return Aws(session_factory(profile_name=profile), region, **options)
