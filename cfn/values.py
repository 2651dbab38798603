"""CloudFormation values rendered as text: one renderer, with the intrinsic functions supplied by the
caller. cdk-nag's names for findings (`compliance/wildcards.py`) and the concrete strings the IAM
evaluator reads from a synthesized assembly (`compliance/iam/resolve.py`) are two uses of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Render = Callable[[Any], str]
Intrinsic = Callable[[Any, Render], str]  # (the function's arguments, the renderer) -> text


def renderer(intrinsics: Mapping[str, Intrinsic], fallback: Callable[[Any], str]) -> Render:
    """A function rendering strings as they are, the given intrinsics through their handlers, and
    anything else through `fallback`."""

    def render(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and len(value) == 1:
            ((name, arguments),) = value.items()
            if name in intrinsics:
                return intrinsics[name](arguments, render)
        return fallback(value)

    return render


def join(arguments: Any, render: Render) -> str:
    """Fn::Join: [separator, [parts]]."""
    separator, parts = arguments
    return separator.join(render(part) for part in parts)
