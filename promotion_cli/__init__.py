"""Command-line tool for the compliance officer and MLOps: approve models, answer the prod gate, audit.

Installed as the command `mlp-promote` (pyproject.toml): `.venv/bin/mlp-promote --config config/mine.toml
COMMAND ...`; `--help` lists the commands.
"""
