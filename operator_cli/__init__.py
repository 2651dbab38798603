"""What the operators' command-line tools share: `mlp-promote` and `mlp-lineage`.

    errors   the one-line failures (`error: <problem>; fix: <fix>`) and the exit codes: 0 done,
             1 AWS or the state there refused, 2 the command line, config file or profile is wrong
    args     the argument conventions: --config, --profile, --region, --dry-run; one-line usage errors
    config   the deployment's config for a command: the file, a project of it, a region
    aws      credentials (a boto3 session per profile), the account check, AWS's refusals as one
             line, and the one `--dry-run` gate every change goes through
    command  `Tool` (what a tool is called) and `run`: every failure becomes one line and an exit code

A tool is a package with `main(argv=None, *, session_factory=boto3.Session) -> int` that builds its
parser with `args`, does its work inside `command.run`, and exits with what `main` returns; that
function is what a console script calls, so installing a tool as a command needs only an entry in the
project's metadata and the new name in its `Tool`.
"""
