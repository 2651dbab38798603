"""`python -m lineage`: exits with the tool's status (0 chain printed, 1 AWS refused, 2 usage)."""

from lineage.cli import main

raise SystemExit(main())
