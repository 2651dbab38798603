"""Command-line tool for the compliance officer and MLOps: approve models, answer the prod gate, audit.

Run it as `python -m promotion_cli --config config/mine.toml COMMAND ...`; `--help` lists the commands.
"""
