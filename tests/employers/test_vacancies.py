"""After the match: placed doctors and answers, and filling a vacant seat from the list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from employers.models import VacancyFill
from employers.services import vacancy_fill
from lis1.notifications.models import Outbox
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement
from lis1.rounds.services.placements import PlacementError
from lis1.rounds.services.rankings import employer_ranking_set
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _deadline() -> str:
    return (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


def test_placed_doctors_and_answers_are_shown_after_publication(
    employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    url = reverse("employers:placements", args=[position.pk])
    client = client_for(employer_user)
    assert a.full_name not in client.get(url).content.decode()
    f.publish_main_run(position.round, [(a, position), (b, position)])
    body = client.get(url).content.decode()
    assert a.full_name in body and b.full_name in body


def test_fill_offers_the_next_acceptable_unplaced_applicant(
    employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    elsewhere = f.PositionFactory(round=position.round)
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    run = f.publish_main_run(position.round, [(a, position), (b, elsewhere)])
    # a declines: one seat of two was never filled, and a's is now free too.
    Placement.objects.filter(match_run=run, applicant=a).update(
        status=PlacementStatus.DECLINED, answered_at=timezone.now()
    )
    client = client_for(employer_user)
    client.post(
        reverse("employers:vacancy_fill", args=[position.pk]), {"answer_deadline": _deadline()}
    )
    fill = VacancyFill.objects.get()
    # a declined this position and b holds a seat elsewhere: c is next.
    assert (fill.applicant, fill.list_rank, fill.offered_by) == (c, 3, employer_user)
    assert (fill.placement.status, fill.placement.match_run.published_at is not None) == (
        PlacementStatus.OFFERED,
        True,
    )
    # Nobody else is acceptable, although a seat is still vacant.
    fills = VacancyFill.objects.count()
    with translation.override("en"), pytest.raises(PlacementError, match="Nobody left"):
        vacancy_fill(
            position=position,
            user=employer_user,
            answer_deadline=timezone.now() + dt.timedelta(days=2),
        )
    assert VacancyFill.objects.count() == fills


def test_fill_needs_published_results(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    employer_ranking_set(position=position, applicant_ids=[applicants[0].pk])
    with translation.override("en"), pytest.raises(PlacementError, match="after the results"):
        vacancy_fill(
            position=position,
            user=employer_user,
            answer_deadline=timezone.now() + dt.timedelta(days=2),
        )
    assert not VacancyFill.objects.exists()
    assert not Placement.objects.filter(position=position).exists()


def test_employer_records_an_answer_after_a_confirmation(
    employer_user, position, applicants
) -> None:  # type: ignore[no-untyped-def]
    run = f.publish_main_run(position.round, [(applicants[0], position)])
    placement = run.placements.get()
    url = reverse("employers:placement_answer", args=[position.pk, placement.pk, "godtatt"])
    client = client_for(employer_user)
    confirm = client.get(url)
    assert confirm.status_code == 200
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.OFFERED  # the page only asks
    receipts = Outbox.objects.filter(to=applicants[0].user.email)
    assert not receipts.exists()
    assert client.post(url)["Location"] == reverse("employers:placements", args=[position.pk])
    placement.refresh_from_db()
    assert (placement.status, placement.answered_by) == (PlacementStatus.ACCEPTED, employer_user)
    assert receipts.count() == 1  # the doctor gets the receipt
