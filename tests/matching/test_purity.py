"""lis1.matching stays pure: importing it must not import Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_lis1_matching_does_not_import_django() -> None:
    code = (
        "import lis1.matching, lis1.matching.cli, lis1.matching.generate, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )

    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60, check=False
    )

    assert proc.returncode == 0, proc.stderr.decode()
