"""`python -m promotion_cli`: exits with the tool's status (0 done, 1 AWS or state refused, 2 usage)."""

from promotion_cli.cli import main

raise SystemExit(main())
