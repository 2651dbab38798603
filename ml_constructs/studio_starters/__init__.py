"""Code-first from the first minute: per persona, a Studio lifecycle configuration (JupyterLab) that
writes the SageMaker Python SDK's defaults file and unpacks the persona's starter notebook.

Each user profile gets its persona's configuration as the default of its JupyterLab spaces
(`DefaultResourceSpec.LifecycleConfigArn`, listed in `LifecycleConfigArns`), so it runs at every
start of a space's JupyterLab app:
https://docs.aws.amazon.com/sagemaker/latest/dg/jl-lcc.html

- `~/.config/sagemaker/config.yaml`: the SDK's user config location (sagemaker 3.27 reads
  `platformdirs.user_config_dir("sagemaker")`), rewritten at every start, so it always matches the
  deployment. Subnet ids, key and role ARNs are CloudFormation values: the script is an
  `Fn::Base64` of an `Fn::Join`, which CloudFormation renders at deploy time.
- `~/platform-starters/`: the starter, rewritten at every start (copy it out to keep changes).

The content is at most 16,384 characters, base64 included (the resource schema's maxLength), which
`tests/test_studio_starters.py` checks with the longest values the tokens can take; the starter
files travel gzipped. Configurations are named with a hash of their content and tags: every
property of `AWS::SageMaker::StudioLifecycleConfig` is create-only, and a new name lets
CloudFormation create the new one before it deletes the old. Tokens are hashed as the resources
they name: a subnet replaced under the same logical id (a CIDR or zone change) would keep the
name, and that update would fail until the name changes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import Fn, IStableStringProducer, Lazy, Stack
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from ml_constructs.studio_starters import bundle
from ml_constructs.studio_starters.sdk_defaults import PersonaDefaults, sdk_defaults
from platform_config import naming

MAX_CONTENT = 16384  # StudioLifecycleConfigContent maxLength, base64 included
HOME = "/home/sagemaker-user"  # the JupyterLab user's home in SageMaker Distribution images
STARTERS_DIR = "platform-starters"
SDK_CONFIG = ".config/sagemaker/config.yaml"
_TOKEN = re.compile(r'"\$\{Token\[[^\]]+\]\}"')


def anchored(text: str, *repeated: str) -> str:
    """JSON (which is YAML) whose CloudFormation values, and the `repeated` JSON fragments, appear
    once: later occurrences are YAML aliases of the first, which keeps the content within the
    limit. The SDK reads its file with `yaml.safe_load`, which resolves aliases."""
    anchors: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        value = match.group(0)
        if value in anchors:
            return f"*{anchors[value]}"
        anchors[value] = f"v{len(anchors)}"
        return f"&{anchors[value]} {value}"

    fragments = "|".join(re.escape(fragment) for fragment in repeated)
    pattern = f"{_TOKEN.pattern}|{fragments}" if repeated else _TOKEN.pattern
    return re.sub(pattern, replace, text)


def lifecycle_script(sdk_config: str, packed: bytes) -> str:
    """The shell script a JupyterLab app runs at start: `sdk_config` (JSON, which is YAML) and the
    starter files (`packed`)."""
    starters = base64.b64encode(packed).decode()
    return f"""#!/bin/bash
set -eu
home="$HOME"
if [ "$(id -u)" = 0 ]; then home={HOME}; fi
mkdir -p "$home/{SDK_CONFIG.rsplit("/", 1)[0]}"
cat > "$home/{SDK_CONFIG}" <<'SDK_DEFAULTS'
{sdk_config}
SDK_DEFAULTS
rm -rf "$home/{STARTERS_DIR}" && mkdir -p "$home/{STARTERS_DIR}"
echo '{starters}' | base64 -d | tar -xz -C "$home/{STARTERS_DIR}"
if [ "$(id -u)" = 0 ]; then chown -R 1000:100 "$home/.config" "$home/{STARTERS_DIR}"; fi
"""


@dataclass(frozen=True)
class StarterProps:
    platform: str
    context: Mapping[str, Any]  # the platform's names for the notebooks (JSON, no tokens)


class PersonaStarters(Construct):
    """One JupyterLab lifecycle configuration per persona; `arns[persona]` for its user profiles."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        props: StarterProps,
        defaults: Mapping[str, PersonaDefaults],
    ) -> None:
        super().__init__(scope, construct_id)
        self.arns: dict[str, str] = {}
        for persona, persona_defaults in defaults.items():
            packed = bundle.pack(bundle.files(persona, props.context))
            compact = functools.partial(json.dumps, separators=(",", ":"))
            tags = compact([{"Key": key, "Value": value} for key, value in persona_defaults.tags.items()])
            sdk_config = anchored(compact(sdk_defaults(persona_defaults)), tags)
            script = lifecycle_script(sdk_config, packed)
            name = _NamedForContent(props.platform, persona)
            name.config = sagemaker.CfnStudioLifecycleConfig(
                self,
                persona.title().replace("-", ""),
                studio_lifecycle_config_app_type="JupyterLab",
                studio_lifecycle_config_name=Lazy.string(name),
                studio_lifecycle_config_content=Fn.base64(script),
            )
            self.arns[persona] = name.config.attr_studio_lifecycle_config_arn


@jsii.implements(IStableStringProducer)
class _NamedForContent:
    """The configuration's name, with the hash of every create-only property as CloudFormation gets
    them: the content (tokens as the resources they name, stable across syntheses) and the tags
    (known only at synthesis, once every Tags aspect has run)."""

    config: sagemaker.CfnStudioLifecycleConfig  # the configuration named, set once it exists

    def __init__(self, platform: str, persona: str) -> None:
        self._platform, self._persona = platform, persona

    def produce(self) -> str:
        stack, config = Stack.of(self.config), self.config
        create_only = [config.studio_lifecycle_config_content, config.cdk_tag_manager.render_tags()]
        digest = hashlib.sha256(json.dumps(stack.resolve(create_only), sort_keys=True).encode()).hexdigest()
        return naming.studio_lifecycle_config(self._platform, self._persona, digest)
