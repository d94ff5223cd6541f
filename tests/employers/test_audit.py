"""Audit history: triggers record ranking and placement changes, bulk updates included, and
directorate staff read them."""

import pytest
from django.urls import reverse

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import EmployerRanking, Placement
from lis1.rounds.services.rankings import employer_ranking_set
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EmployerRankingEvent = EmployerRanking.pgh_event_model
PlacementEvent = Placement.pgh_event_model


def test_ranking_changes_are_recorded_with_who(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    client = client_for(employer_user)
    for applicant in (a, b):
        client.post(
            reverse("employers:ranking_change", args=[position.pk]),
            {"action": f"add:{applicant.pk}"},
        )
    client.post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": f"remove:{a.pk}"},
    )
    labels = list(
        EmployerRankingEvent.objects.order_by("pgh_id").values_list("pgh_label", flat=True)
    )
    assert labels.count("insert") == 2 and "delete" in labels
    event = EmployerRankingEvent.objects.select_related("pgh_context").order_by("pgh_id").first()
    assert event.pgh_context.metadata["user_email"] == employer_user.email


def test_bulk_updates_are_recorded(position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    EmployerRanking.objects.filter(position=position).update(rank=models_f("rank") + 10)
    assert EmployerRankingEvent.objects.filter(pgh_label="update").count() == 3
    run = f.publish_main_run(position.round, [(a, position)])
    Placement.objects.filter(match_run=run).update(status=PlacementStatus.EXPIRED)
    assert (
        PlacementEvent.objects.filter(pgh_label="update", status=PlacementStatus.EXPIRED).count()
        == 1
    )


def models_f(name):  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F(name)


def test_directorate_reads_the_history_and_others_cannot(
    directorate_user, employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    employer_ranking_set(position=position, applicant_ids=[applicants[0].pk], user=employer_user)
    response = client_for(directorate_user).get(
        reverse("directorate:audit"), {"table": "employer_ranking", "position": position.pk}
    )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert client_for(employer_user).get(reverse("directorate:audit")).status_code == 403


def test_a_match_runs_bulk_write_records_an_audit_event_per_placement() -> None:
    """The match write checks its foreign keys immediately (a constant audit cost per row,
    bench/audit_bench.py); every placement still gets its insert event."""
    from tests.factories import published_list_round

    _round, _position, _people, run = published_list_round(3, seats=2)
    placements = set(run.placements.values_list("pk", flat=True))
    inserted = set(
        PlacementEvent.objects.filter(pgh_label="insert", match_run_id=run.pk).values_list(
            "pgh_obj_id", flat=True
        )
    )
    assert inserted == placements and len(placements) == 2
