"""Ranking (plain form and htmx), answering an offer, and couples."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lis1.notifications.models import Outbox
from lis1.rounds.enums import CoupleStatus, PlacementStatus
from lis1.rounds.models import ApplicantRanking, Couple, CouplePreference
from tests.conftest import client_for
from tests.factories import (
    ApplicantSideRoundFactory,
    ApplicationFactory,
    PositionFactory,
    matched_placement,
    run_and_publish_main_match,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(me, open_round):  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    for position in open_round["positions"]:
        client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": ""})
    return [p.pk for p in open_round["positions"]]


def _order(applicant) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        ApplicantRanking.objects.filter(applicant=applicant)
        .order_by("rank")
        .values_list("position_id", flat=True)
    )


def test_ranking_move_down_with_plain_form(me, applied) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applied
    response = client_for(me.user).post(reverse("applicants:ranking"), {"action": f"down:{a}"})
    assert response.status_code == 302
    assert _order(me) == [b, a, c]


def test_ranking_move_up_with_htmx_returns_the_list(me, applied) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applied
    response = client_for(me.user).post(
        reverse("applicants:ranking"), {"action": f"up:{c}"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert _order(me) == [a, c, b]
    assert [e.position_id for e in response.context["entries"]] == [a, c, b]
    assert "<html" not in response.content.decode()


def test_ranking_drag_order_is_saved(me, applied) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applied
    response = client_for(me.user).post(
        reverse("applicants:ranking"),
        {"action": "order", "order": [c, a, b], "moved": c},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert _order(me) == [c, a, b]


def test_ranking_refuses_an_order_that_is_not_a_permutation(me, applied) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applied
    other = PositionFactory().pk
    response = client_for(me.user).post(
        reverse("applicants:ranking"), {"order": [a, b, other]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert _order(me) == [a, b, c]


def test_ranking_after_the_deadline_is_refused(me, applied, open_round) -> None:  # type: ignore[no-untyped-def]
    round_ = open_round["round"]
    now = timezone.now()
    round_.advertising_opens = round_.applications_open = now - dt.timedelta(days=20)
    round_.applications_close = now - dt.timedelta(days=10)
    round_.ranking_deadline = now - dt.timedelta(minutes=1)
    round_.save()
    a, b, c = applied
    client_for(me.user).post(reverse("applicants:ranking"), {"action": f"down:{a}"})
    assert _order(me) == [a, b, c]


@pytest.fixture
def offered(me):  # type: ignore[no-untyped-def]
    return matched_placement(me, title="Tilbudt stilling")


def test_offer_page_shows_the_placement(me, offered) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).get(reverse("applicants:offer", args=[offered.pk]))
    assert response.status_code == 200
    assert response.context["can_answer"] is True
    assert "Tilbudt stilling" in response.content.decode()


@pytest.mark.parametrize(
    ("answer", "status"), [("godta", PlacementStatus.ACCEPTED), ("avsla", PlacementStatus.DECLINED)]
)
def test_offer_answer_confirms_then_records_and_sends_receipt(
    me, offered, answer, status, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    url = reverse("applicants:offer_answer", args=[offered.pk, answer])
    assert client.get(url).status_code == 200
    offered.refresh_from_db()
    assert offered.status == PlacementStatus.OFFERED
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    offered.refresh_from_db()
    assert offered.status == status
    assert offered.answered_at is not None
    receipt = Outbox.objects.get(to=me.user.email)
    assert receipt.sent_at is not None
    assert "Tilbudt stilling" in receipt.subject


def test_offer_cannot_be_answered_twice(me, offered) -> None:  # type: ignore[no-untyped-def]
    client = client_for(me.user)
    client.post(reverse("applicants:offer_answer", args=[offered.pk, "godta"]))
    response = client.post(reverse("applicants:offer_answer", args=[offered.pk, "avsla"]))
    assert response.status_code == 400
    offered.refresh_from_db()
    assert offered.status == PlacementStatus.ACCEPTED


def test_offer_answer_after_deadline_is_refused(me, offered) -> None:  # type: ignore[no-untyped-def]
    offered.answer_deadline = timezone.now() - dt.timedelta(minutes=1)
    offered.save()
    response = client_for(me.user).post(
        reverse("applicants:offer_answer", args=[offered.pk, "godta"])
    )
    assert response.status_code == 400
    offered.refresh_from_db()
    assert offered.status == PlacementStatus.OFFERED


def test_timeline_shows_the_offers_own_answer_deadline(me, offered) -> None:  # type: ignore[no-untyped-def]
    """A follow-up offer or a direct offer has a later deadline than the round's."""
    later = offered.match_run.round.answer_deadline + dt.timedelta(days=9)
    offered.answer_deadline = later
    offered.save()
    response = client_for(me.user).get(reverse("applicants:dashboard"))
    assert response.context["round"] == offered.match_run.round
    steps = {step.label: step for step in response.context["timeline"]}
    assert steps["Svarfrist"].when == later


def test_unpublished_placement_is_not_found(me) -> None:  # type: ignore[no-untyped-def]
    placement = matched_placement(me, publish=False)
    url = reverse("applicants:offer", args=[placement.pk])
    assert client_for(me.user).get(url).status_code == 404


def test_dashboard_tells_unplaced_applicant_plainly(me) -> None:  # type: ignore[no-untyped-def]
    round_ = ApplicantSideRoundFactory()
    ApplicationFactory(applicant=me, position__round=round_)
    run_and_publish_main_match(round_)
    client = client_for(me.user)
    client.cookies["lis1_language"] = "en"
    body = client.get(reverse("applicants:dashboard")).content.decode()
    assert "You were not offered a position in this round." in body


# Couples -----------------------------------------------------------------------------------


def test_couple_invite_accept_and_list_of_pairs(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    p1, p2, p3 = open_round["positions"]
    ApplicationFactory(applicant=me, position=p1)
    ApplicationFactory(applicant=me, position=p2)
    ApplicationFactory(applicant=other_applicant, position=p3)
    mine, theirs = client_for(me.user), client_for(other_applicant.user)

    response = mine.post(reverse("applicants:couple"), {"email": other_applicant.user.email})
    assert response.status_code == 302
    couple = Couple.objects.get()
    assert (couple.first, couple.second, couple.status) == (me, other_applicant, "invited")

    theirs.post(reverse("applicants:couple_answer", args=[couple.pk]), {"answer": "accept"})
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACCEPTED

    pairs_url = reverse("applicants:couple_pairs", args=[couple.pk])
    mine.post(pairs_url, {"action": "add", "first": p1.pk, "second": p3.pk})
    theirs.post(pairs_url, {"action": "add", "first": p2.pk, "second": ""})
    mine.post(pairs_url, {"action": f"up:{p2.pk}-"})
    assert list(
        CouplePreference.objects.order_by("rank").values_list("first_position", "second_position")
    ) == [(p2.pk, None), (p1.pk, p3.pk)]
    mine.post(pairs_url, {"action": f"remove:{p2.pk}-"})
    assert CouplePreference.objects.count() == 1


def test_couple_pair_must_use_positions_each_applied_to(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    p1, p2, _p3 = open_round["positions"]
    ApplicationFactory(applicant=me, position=p1)
    couple = Couple.objects.create(
        round=open_round["round"],
        first=me,
        second=other_applicant,
        status="accepted",
        accepted_at=timezone.now(),
    )
    client_for(me.user).post(
        reverse("applicants:couple_pairs", args=[couple.pk]),
        {"action": "add", "first": p2.pk, "second": ""},
    )
    assert CouplePreference.objects.count() == 0


def test_couple_pair_before_the_partner_accepts_is_refused_plainly(
    me, other_applicant, open_round
) -> None:  # type: ignore[no-untyped-def]
    p1 = open_round["positions"][0]
    ApplicationFactory(applicant=me, position=p1)
    couple = Couple.objects.create(
        round=open_round["round"], first=me, second=other_applicant, status="invited"
    )
    client = client_for(me.user)
    client.cookies["lis1_language"] = "en"
    response = client.post(
        reverse("applicants:couple_pairs", args=[couple.pk]),
        {"action": "add", "first": p1.pk, "second": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "The partner has not accepted the invitation yet." in response.content.decode()
    assert CouplePreference.objects.count() == 0


def test_couple_invite_unknown_email_is_a_field_error(me, open_round) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).post(reverse("applicants:couple"), {"email": "ingen@example.no"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["email"]


def test_couple_dissolve_after_confirmation(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    couple = Couple.objects.create(round=open_round["round"], first=me, second=other_applicant)
    client = client_for(other_applicant.user)
    url = reverse("applicants:couple_dissolve", args=[couple.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.DISSOLVED


def test_withdrawing_removes_the_position_from_the_couples_list(
    me, other_applicant, open_round
) -> None:  # type: ignore[no-untyped-def]
    from lis1.rounds.services.applications import application_withdraw

    p1, p2, p3 = open_round["positions"]
    mine = {p.pk: ApplicationFactory(applicant=me, position=p) for p in (p1, p2)}
    for p in (p1, p3):
        ApplicationFactory(applicant=other_applicant, position=p)
    couple = Couple.objects.create(
        round=open_round["round"],
        first=me,
        second=other_applicant,
        status="accepted",
        accepted_at=timezone.now(),
    )
    for rank, (a, b) in enumerate([(p1, p3), (p2, p1), (p1, None), (None, p3)], start=1):
        CouplePreference.objects.create(
            couple=couple, rank=rank, first_position=a, second_position=b
        )
    application_withdraw(application=mine[p2.pk])
    rows = CouplePreference.objects.filter(couple=couple).order_by("rank")
    assert list(rows.values_list("rank", "first_position_id", "second_position_id")) == [
        (1, p1.pk, p3.pk),
        (2, p1.pk, None),
        (3, None, p3.pk),
    ]
