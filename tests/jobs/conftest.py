"""Fixtures of the job lifecycle tests."""

from __future__ import annotations

import pytest

from lis1.jobs import services


class _RecordingTask:
    def __init__(self, name: str, calls: list[tuple[str, dict[str, object]]]) -> None:
        self.name = name
        self.calls = calls

    def apply_async(self, *, kwargs: dict[str, object]) -> None:
        self.calls.append((self.name, kwargs))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, object]]]:
    """The tasks handed to a worker, recorded instead of sent. The suite runs tasks eagerly,
    which would execute a re-sent job inside the sweep itself; the bookkeeping of `_send`
    (enqueued_at, enqueue_count) stays real."""
    calls: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(services, "_task", lambda name: _RecordingTask(name, calls))
    return calls
