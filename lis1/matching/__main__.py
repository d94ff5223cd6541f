"""Entry point for ``python -m lis1.matching``."""

from lis1.matching.cli import main

raise SystemExit(main())
