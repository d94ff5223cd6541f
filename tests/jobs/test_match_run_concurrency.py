"""Several staff pressing "run the match" at the same moment get one run: the database's
`match_run_one_active_per_round` decides, and the others get a clean MatchRunError."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from lis1.jobs.models import JobStatus
from lis1.rounds.enums import RoundEventKind
from lis1.rounds.models import MatchRun, RoundEvent
from lis1.rounds.services.matching import MatchRunError, match_run_create
from tests.factories import matching_round

REQUESTS = 4
ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_match_run_create_concurrent_requests_give_one_run() -> None:
    for attempt in range(ROUNDS):
        round_ = matching_round()
        barrier = threading.Barrier(REQUESTS)

        def request(seed: int, barrier: threading.Barrier = barrier, round_=round_):  # type: ignore[no-untyped-def]
            try:
                barrier.wait(timeout=10)  # all four insert at once, each on its own connection
                return match_run_create(round_=round_, seed=seed)
            except MatchRunError as refused:
                return refused
            finally:
                connections.close_all()  # this thread's connection

        with ThreadPoolExecutor(REQUESTS) as pool:
            futures = [pool.submit(request, seed) for seed in range(1, REQUESTS + 1)]
            outcomes = [future.result(timeout=60) for future in futures]

        runs = [o for o in outcomes if isinstance(o, MatchRun)]
        errors = [o for o in outcomes if isinstance(o, MatchRunError)]
        assert len(runs) == 1, f"attempt {attempt}: {outcomes}"
        assert len(errors) == REQUESTS - 1, f"attempt {attempt}: {outcomes}"
        assert {error.rule for error in errors} == {"match_run_active"}
        assert all(error.message for error in errors)

        rows = list(MatchRun.objects.filter(round=round_).values_list("pk", "status", "seed"))
        assert rows == [(runs[0].pk, JobStatus.QUEUED, runs[0].seed)]
        # Only the run that was created is in the round's log.
        started = RoundEvent.objects.filter(round=round_, kind=RoundEventKind.MATCH_STARTED)
        assert [event.details["match_run"] for event in started] == [runs[0].pk]
