"""An AWS Organizations service control policy (SCP) that lets only compliance officers answer the
promotion gate, generated from the config.

CodePipeline has no resource policies, so IAM alone cannot stop a dev administrator from calling
`codepipeline:PutApprovalResult`; an SCP attached to the dev account (or its OU) can, for every
principal of the account. It denies answering any approval of the platform's promotion pipelines unless
`aws:PrincipalArn` is the compliance officer's Studio role or one of `platform.approver_principal_arns`
(e.g. their IAM Identity Center permission set's roles). SCPs do not apply to the organization's
management account or to service-linked roles.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html

    python -m tooling.scp --config config/mine.toml > gate-scp.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from platform_config import PlatformConfig, load_config, naming


def gate_scp(config: PlatformConfig) -> dict:
    pipelines = naming.promotion_pipeline(config.platform.name, "*")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyComplianceOfficersAnswerThePromotionGate",
                "Effect": "Deny",
                "Action": "codepipeline:PutApprovalResult",
                "Resource": f"arn:aws:codepipeline:*:{config.accounts.dev.account_id}:{pipelines}/*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": config.approver_arns()}},
            }
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.scp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=Path("config/example.toml"))
    args = parser.parse_args(argv)
    print(json.dumps(gate_scp(load_config(args.config)), indent=2))


if __name__ == "__main__":
    main()
