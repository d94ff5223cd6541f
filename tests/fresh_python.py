"""Python code run in a fresh interpreter from the repository root, for what one test process
cannot show: which modules an import loads, what a module does when it is first loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def fresh_python(code: str, *, timeout: float = 120) -> str:
    """Run ``python -c code`` and return its standard output; fails the test, with the
    child's standard error, unless it exits 0."""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()
