"""Pages that show a field of a match run never read its instance and result (megabytes each
in a national round), and the admin's change lists stay cheap on big tables: related rows
joined, not fetched per row; no second count of the whole table."""

import dataclasses

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis1 import matching
from lis1.accounts.models import User
from lis1.matching.verify import SingleBlockingPair
from lis1.rounds.models import ApplicantRanking, MatchRun, Placement
from lis1.rounds.models.matching import BLOB_FIELDS, BLOCKING_PAIRS_PREVIEW
from lis1.rounds.services import matching as service
from tests.conftest import client_for
from tests.factories import PositionFactory, applicants_for, employer_list

pytestmark = pytest.mark.django_db

BLOCKING = 120


@pytest.fixture
def unstable_run(small_round, monkeypatch):  # type: ignore[no-untyped-def]
    """A run of the small round whose engine reports 120 blocking pairs (the engine's real
    result, with pairs added: no small instance of the round's rules is unstable)."""
    solve = matching.solve

    def solve_with_blocking_pairs(instance):  # type: ignore[no-untyped-def]
        pairs = tuple(SingleBlockingPair(f"A{n}", "P1") for n in range(BLOCKING))
        return dataclasses.replace(solve(instance), stable=False, blocking_pairs=pairs)

    monkeypatch.setattr(matching, "solve", solve_with_blocking_pairs)
    run = service.match_run_create(round_=small_round["round"], seed=7)
    return service.round_run_match(match_run=run)


def _blob_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if any(f in q["sql"] for f in BLOB_FIELDS)]


def test_the_run_keeps_its_blocking_pairs_count_and_first_pairs(unstable_run) -> None:  # type: ignore[no-untyped-def]
    run = MatchRun.objects.get(pk=unstable_run.pk)
    assert run.stable is False
    assert run.blocking_pairs_count == BLOCKING
    assert len(run.blocking_pairs_preview) == BLOCKING_PAIRS_PREVIEW
    assert run.blocking_pairs_preview[0] == {"applicant": "A0", "program": "P1"}


def test_run_pages_never_read_the_blobs(unstable_run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    run = unstable_run
    pages = [
        reverse("directorate:match_run", args=[run.pk]),
        reverse("directorate:match_run_status", args=[run.pk]),
        reverse("directorate:match_run_publish", args=[run.pk]),
        reverse("directorate:round", args=[run.round.slug]),
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert _blob_queries(queries) == [], url
    page = client.get(pages[0]).content.decode()
    assert "A0" in page
    assert f"De første {BLOCKING_PAIRS_PREVIEW} av {BLOCKING} blokkerende par" in page


def test_a_download_reads_only_the_document_asked_for(unstable_run, directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("directorate:match_run_result", args=[unstable_run.pk]))
    assert response.status_code == 200
    assert b'"blocking_pairs"' in response.content
    assert all("instance_json" not in sql for sql in _blob_queries(queries))


#: Tables that grow with every round: their change lists never count the whole table twice.
BIG = {
    "rounds.applicant",
    "rounds.application",
    "rounds.applicantranking",
    "rounds.employerranking",
    "rounds.placement",
    "rounds.position",
    "rounds.roundevent",
    "rounds.matchrun",
    "notifications.outbox",
    "accounts.user",
    "applicants.document",
    "applicants.applicationdocument",
}


def test_admin_change_lists_join_what_they_show_and_skip_the_full_count() -> None:
    registered = {m._meta.label_lower: a for m, a in admin.site._registry.items()}
    assert registered.keys() >= BIG
    for label, model_admin in registered.items():
        if label in BIG:
            assert model_admin.show_full_result_count is False, label
        foreign_keys = {
            f.name for f in model_admin.model._meta.get_fields() if isinstance(f, ForeignKey)
        }
        shown = [name for name in model_admin.list_display if name in foreign_keys]
        joined = model_admin.list_select_related
        if shown:
            assert joined is True or set(shown) <= {j.split("__")[0] for j in joined}, label


def _superuser_client():  # type: ignore[no-untyped-def]
    user = User.objects.create_superuser(email="admin@example.no", password="x-long-password-1")
    return client_for(user)


def test_admin_lists_of_runs_and_placements_read_no_blobs_and_no_row_by_row(
    unstable_run, small_round
) -> None:  # type: ignore[no-untyped-def]
    client = _superuser_client()

    def placement_list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("admin:rounds_placement_changelist"))
        assert response.status_code == 200
        assert _blob_queries(queries) == []
        return len(queries)

    before = placement_list_queries()
    # More placements (another round's run): the list asks the same number of queries.
    round_ = small_round["round"]
    position = PositionFactory(round=round_, seats=4)
    people = applicants_for(position, 4)
    for person in people:
        ApplicantRanking.objects.create(round=round_, applicant=person, position=position, rank=9)
    employer_list(position, *people)
    extra = service.round_run_match(
        match_run=MatchRun.objects.create(round=round_, seed=8, kind=unstable_run.kind)
    )
    assert Placement.objects.filter(match_run=extra).count() >= 4
    assert placement_list_queries() == before

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:rounds_matchrun_changelist"))
    assert response.status_code == 200
    assert _blob_queries(queries) == []
