"""One link of the chain, and what every hop shares to make one: the accounts, the kinds in chain
order, the two ways a link is not followed, and the readers of the API's times and identities."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from botocore.exceptions import ClientError

PROD, DEV = "prod", "dev"
KINDS = (
    "endpoint",
    "endpoint-config",
    "model",
    "model-package",
    "pipeline-execution",
    "training-job",
    "training-data",
    "data-versions",
    "code-version",
)
NOT_RECORDED = "not recorded"
# A SageMaker pipeline execution's ARN; group 1 is the pipeline's name.
EXECUTION_ARN = re.compile(r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline/([^/]+)/execution/[^/]+")
T = TypeVar("T")


@dataclass(frozen=True)
class Link:
    """One link of the chain. `facts` hold JSON values only, in the order they are shown."""

    kind: str  # one of KINDS
    account: str  # PROD or DEV: where the resource lives
    id: str | None = None  # its name or ARN, when known
    facts: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the API call(s) the link came from
    unknown: str | None = None  # why the link could not be followed; None when it was


class EndpointNotFound(Exception):
    """The prod account has no endpoint of that name: there is no chain to walk."""


class Unfollowable(Exception):
    """A link that cannot be followed; the message is the one-line reason."""


@dataclass(frozen=True)
class Failed:
    """What `attempt` gives back for a call that raised: the one-line reason."""

    reason: str


def reason(error: BaseException) -> str:
    """Any failure as one line: the refused call, AWS's code and message; or the exception itself."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Unknown"), details.get("Message", "")
        text = f"{error.operation_name} refused: {code}: {message}"
    elif isinstance(error, Unfollowable):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split()).rstrip(". :")


def attempt(call: Callable[[], T]) -> T | Failed:
    """The call's result, or `Failed` with the reason: a link the walk cannot follow must never end it."""
    try:
        return call()
    except Exception as error:
        return Failed(reason(error))


def gap(kind: str, account: str, why: str, *, id: str | None = None, source: str = "") -> Link:
    """A link that could not be followed, saying why."""
    return Link(kind, account, id, source=source, unknown=why)


def facts(**values: Any) -> dict[str, Any]:
    """The facts worth showing: the given ones, without the empty."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def when(value: Any) -> str | None:
    """A timestamp as ISO 8601 UTC (the API's datetimes, or strings passed through)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None if value is None else str(value)


def who(user: dict[str, Any] | None) -> str:
    """A UserContext: the IAM identity's ARN, else the Studio user profile."""
    user = user or {}
    if user.get("IamIdentity", {}).get("Arn"):
        return user["IamIdentity"]["Arn"]
    if user.get("UserProfileName"):
        domain = f" (domain {user['DomainId']})" if user.get("DomainId") else ""
        return f"Studio user profile {user['UserProfileName']}{domain}"
    return user.get("UserProfileArn") or NOT_RECORDED


def name_of(arn: str) -> str:
    """The resource name at the end of an ARN."""
    return arn.rsplit("/", 1)[-1]


def number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
