"""The placement lifecycle (lis1.rounds.services.placements): one answer function for the
applicant and for staff, withdrawing and leaving, vacant and extra seats filled from the
ranked list (also after the round is closed), and offers that lapse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lis1.notifications.models import Outbox
from lis1.rounds.enums import MatchRunKind, PlacementStatus
from lis1.rounds.models import Placement, Position, Round, SeatAddition
from lis1.rounds.services.placements import (
    PlacementError,
    placement_answer,
    placement_end,
    placements_expire_overdue,
    position_seats_add,
    position_vacant_seats,
    vacancy_offer,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(applicant):  # type: ignore[no-untyped-def]
    """The applicant's offer from a real, published main match (one seat)."""
    return f.matched_placement(applicant)


def test_the_applicant_answers_and_gets_a_receipt(placed, applicant) -> None:  # type: ignore[no-untyped-def]
    placement_answer(placement=placed, accept=True, actor=applicant.user)
    placed.refresh_from_db()
    assert (placed.status, placed.answered_by) == (PlacementStatus.ACCEPTED, applicant.user)
    receipt = Outbox.objects.get(to=applicant.user.email)
    assert placed.position.title in receipt.subject or placed.position.title in receipt.body
    assert "on your behalf" not in receipt.body


def test_staff_answer_on_behalf_with_the_same_rules_and_a_receipt_that_says_so(
    placed, applicant, employer_user
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        placement_answer(placement=placed, accept=False, actor=employer_user, on_behalf=True)
    placed.refresh_from_db()
    assert (placed.status, placed.answered_by) == (PlacementStatus.DECLINED, employer_user)
    assert "on your behalf" in Outbox.objects.get(to=applicant.user.email).body
    with pytest.raises(PlacementError) as refused:
        placement_answer(placement=placed, accept=True, actor=employer_user, on_behalf=True)
    assert refused.value.rule == "already_answered"


@pytest.mark.parametrize("on_behalf", [False, True])
def test_no_answer_after_the_offers_deadline(placed, applicant, employer_user, on_behalf) -> None:  # type: ignore[no-untyped-def]
    Round.objects.filter(pk=placed.position.round_id).update(
        answer_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    actor = employer_user if on_behalf else applicant.user
    with pytest.raises(PlacementError) as refused:
        placement_answer(placement=placed, accept=True, actor=actor, on_behalf=on_behalf)
    assert refused.value.rule == "answer_deadline_passed"
    placed.refresh_from_db()
    assert placed.status == PlacementStatus.OFFERED
    assert not Outbox.objects.filter(to=applicant.user.email).exists()


def test_no_answer_to_an_unpublished_run(applicant) -> None:  # type: ignore[no-untyped-def]
    placement = f.matched_placement(applicant, publish=False)
    with pytest.raises(PlacementError) as refused:
        placement_answer(placement=placement, accept=True, actor=applicant.user)
    assert refused.value.rule == "not_published"


def test_a_main_offers_deadline_follows_the_rounds_calendar(placed) -> None:  # type: ignore[no-untyped-def]
    later = placed.position.round.answer_deadline + dt.timedelta(days=2)
    Round.objects.filter(pk=placed.position.round_id).update(answer_deadline=later)
    placed = Placement.objects.select_related("match_run__round").get(pk=placed.pk)
    assert placed.deadline == later


def test_withdrawing_before_the_start_frees_the_seat(placed, applicant) -> None:  # type: ignore[no-untyped-def]
    placement_answer(placement=placed, accept=True, actor=applicant.user)
    assert position_vacant_seats(placed.position) == 0
    placement_end(placement=placed, actor=applicant.user, reason="")
    placed.refresh_from_db()
    assert (placed.status, placed.ended_by) == (PlacementStatus.WITHDRAWN, applicant.user)
    assert position_vacant_seats(placed.position) == 1
    assert Outbox.objects.filter(to=applicant.user.email).count() == 2  # two receipts


def test_leaving_after_the_start_is_left_and_staff_must_say_why(
    placed, applicant, employer_user
) -> None:  # type: ignore[no-untyped-def]
    placement_answer(placement=placed, accept=True, actor=applicant.user)
    Position.objects.filter(pk=placed.position_id).update(
        start_date=timezone.localdate() - dt.timedelta(days=30)
    )
    placed = Placement.objects.get(pk=placed.pk)
    with pytest.raises(PlacementError) as refused:
        placement_end(placement=placed, actor=employer_user, reason=" ", on_behalf=True)
    assert refused.value.rule == "reason_required"
    placement_end(placement=placed, actor=employer_user, reason="Moved abroad.", on_behalf=True)
    placed.refresh_from_db()
    assert (placed.status, placed.end_reason) == (PlacementStatus.LEFT, "Moved abroad.")


def test_only_an_accepted_position_is_given_up(placed, applicant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlacementError) as refused:
        placement_end(placement=placed, actor=applicant.user, reason="")
    assert refused.value.rule == "not_accepted"
    placed.refresh_from_db()
    assert placed.status == PlacementStatus.OFFERED


def test_a_vacant_seat_goes_to_the_next_on_the_list_also_after_closing(
    directorate_user, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_, position, people, run = f.published_list_round()
    first = run.placements.get()
    assert first.applicant == people[0]
    placement_answer(placement=first, accept=True, actor=people[0].user)
    placement_end(placement=first, actor=people[0].user, reason="")
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now())
    deadline = timezone.now() + dt.timedelta(days=3)
    offer, entry = vacancy_offer(position=position, actor=employer_user, answer_deadline=deadline)
    assert (offer.applicant, entry.rank) == (people[1], 2)
    assert (offer.match_run.kind, offer.match_run.published_at is not None) == (
        MatchRunKind.DIRECT_OFFER,
        True,
    )
    assert offer.deadline == deadline
    assert Outbox.objects.filter(to=people[1].user.email, subject__contains=str(round_)).exists()
    # The seat is held by the new offer: no second one.
    with pytest.raises(PlacementError) as refused:
        vacancy_offer(position=position, actor=employer_user, answer_deadline=deadline)
    assert refused.value.rule == "no_vacant_seat"


def test_extra_seats_after_the_round_are_filled_from_the_list(
    directorate_user, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_, position, people, _run = f.published_list_round()
    addition = position_seats_add(
        position=position, seats=1, reason="Extra funding 2027.", actor=directorate_user
    )
    position.refresh_from_db()
    assert (position.seats, position_vacant_seats(position)) == (2, 1)
    assert round_.events.get(kind="seats_added").details["seats"] == 1
    assert SeatAddition.objects.get() == addition
    offer, _entry = vacancy_offer(
        position=position,
        actor=employer_user,
        answer_deadline=timezone.now() + dt.timedelta(days=2),
    )
    assert offer.applicant == people[1]


def test_extra_seats_need_published_results_and_a_reason(directorate_user) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=f.matching_round(), seats=1)
    with pytest.raises(PlacementError) as refused:
        position_seats_add(position=position, seats=1, reason="x", actor=directorate_user)
    assert refused.value.rule == "results_not_published"
    f.publish_main_run(position.round, [])
    with pytest.raises(PlacementError) as refused:
        position_seats_add(position=position, seats=1, reason=" ", actor=directorate_user)
    assert refused.value.rule == "reason_required"
    with pytest.raises(PlacementError) as refused:
        position_seats_add(position=position, seats=51, reason="x", actor=directorate_user)
    assert refused.value.rule == "seats_out_of_range"
    position.refresh_from_db()
    assert position.seats == 1
    assert not SeatAddition.objects.exists()


def test_offers_lapse_after_their_own_deadline(employer_user) -> None:  # type: ignore[no-untyped-def]
    _round, position, people, run = f.published_list_round()
    first = run.placements.get()
    placement_answer(placement=first, accept=False, actor=people[0].user)
    offer, _entry = vacancy_offer(
        position=position,
        actor=employer_user,
        answer_deadline=timezone.now() + dt.timedelta(hours=1),
    )
    assert placements_expire_overdue() == 0
    Placement.objects.filter(pk=offer.pk).update(
        answer_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    assert placements_expire_overdue() == 1
    offer.refresh_from_db()
    assert offer.status == PlacementStatus.EXPIRED
    assert position_vacant_seats(position) == 1


def test_the_next_candidate_is_found_however_far_down_the_list(employer_user) -> None:  # type: ignore[no-untyped-def]
    """Applicants the match could not place here (hospital part done, or no authorisation)
    are passed over in the database, not among the first few entries only."""
    from lis1.rounds.enums import AuthorisationStatus
    from lis1.rounds.models import Applicant
    from lis1.rounds.services.placements import vacancy_next_candidate

    round_ = f.matching_round()
    position = f.PositionFactory(round=round_, seats=1)
    people = f.applicants_for(position, 56)
    done_hospital, unauthorised, wanted = people[:50], people[50:55], people[55]
    Applicant.objects.filter(pk__in=[a.pk for a in done_hospital]).update(prior_hospital_months=12)
    Applicant.objects.filter(pk__in=[a.pk for a in unauthorised]).update(
        authorisation=AuthorisationStatus.NONE
    )
    f.employer_list(position, *people)
    f.publish_main_run(round_, [])
    assert vacancy_next_candidate(position).applicant == wanted
