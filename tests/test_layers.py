"""The layers of docs/architecture.md hold: import-linter's contracts in pyproject.toml are all
kept (`make lint` runs the same check), and the beat schedule names tasks that exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from lis1.celery import app

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, timeout=120, check=False
    )
    out = proc.stdout.decode()
    assert proc.returncode == 0, out + proc.stderr.decode()
    assert "0 broken" in out


def test_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
