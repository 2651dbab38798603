"""The commit the platform is synthesized from, given by whoever synthesizes (`-c commit=<sha>`; CI
passes its checkout's commit): the app never reads git, so the same sources give the same templates.

Recorded with every model version (the model-build pipeline's `CodeVersion` parameter default, which
becomes the package's `MetadataProperties.CommitId` and its model card's `code_version`).
"""

from __future__ import annotations

import re

from platform_config.loader import ConfigError

CONTEXT_KEY = "commit"
NOT_GIVEN = "unrecorded"  # synthesized without -c commit: said as such, never guessed
# A full git object id: SHA-1 (40 hex digits) or SHA-256 (64).
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def code_version(value: object) -> str:
    """The commit from the synthesis context, or NOT_GIVEN; a value that is no full commit id refuses."""
    if value is None or value == "":
        return NOT_GIVEN
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise ConfigError(
            f"-c {CONTEXT_KEY}={value!r} is not a full git commit id (40 or 64 lowercase hex digits); "
            "fix: pass `-c commit=$(git rev-parse HEAD)`, or leave it out"
        )
    return value
