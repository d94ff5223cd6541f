"""The one ordered-list writer behind the applicant's, the employer's and the couple's list:
a save writes only the rows that change (counted in the audit history), each event names the
actor, and the rules still refuse through the page and the API, naming the rule and changing
nothing."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lis1.rounds.enums import CoupleStatus
from lis1.rounds.models import ApplicantRanking, Couple, CouplePreference, EmployerRanking
from lis1.rounds.services.applications import ApplicationError, applicant_ranking_set
from lis1.rounds.services.ordered import (
    APPLICANT_LIST,
    COUPLE_LIST,
    EMPLOYER_LIST,
    list_step,
    write_ordered_list,
)
from lis1.rounds.services.rankings import RankingError, employer_ranking_set
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _events(model, since: int):  # type: ignore[no-untyped-def]
    """(label, actor's e-mail, action) of the model's audit events after pgh_id `since`."""
    return sorted(
        (
            e.pgh_label,
            (e.pgh_context.metadata if e.pgh_context else {}).get("user_email"),
            (e.pgh_context.metadata if e.pgh_context else {}).get("action"),
        )
        for e in model.pgh_event_model.objects.filter(pgh_id__gt=since).select_related(
            "pgh_context"
        )
    )


def _last_event(model) -> int:  # type: ignore[no-untyped-def]
    last = model.pgh_event_model.objects.order_by("-pgh_id").values_list("pgh_id", flat=True)
    return last.first() or 0


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    client.cookies["lis1_language"] = "en"
    return client


@pytest.fixture
def round_():  # type: ignore[no-untyped-def]
    return f.OpenRoundFactory()


@pytest.fixture
def positions(round_):  # type: ignore[no-untyped-def]
    return [f.PositionFactory(round=round_) for _ in range(5)]


@pytest.fixture
def kari(positions):  # type: ignore[no-untyped-def]
    """An applicant who applied to the five positions and ranks them in that order."""
    applicant = f.ApplicantFactory(given_name="Kari")
    for position in positions:
        f.ApplicationFactory(applicant=applicant, position=position)
    applicant_ranking_set(
        applicant=applicant, round_=positions[0].round, position_ids=[p.pk for p in positions]
    )
    return applicant


@pytest.fixture
def couple(kari, positions):  # type: ignore[no-untyped-def]
    """Kari and Per, accepted, with four pairs on their list."""
    per = f.ApplicantFactory(given_name="Per")
    for position in positions:
        f.ApplicationFactory(applicant=per, position=position)
    couple = Couple.objects.create(
        round=positions[0].round,
        first=kari,
        second=per,
        status=CoupleStatus.ACCEPTED,
        accepted_at=timezone.now(),
    )
    for rank, (a, b) in enumerate(itertools.pairwise(positions), start=1):
        CouplePreference.objects.create(
            couple=couple, rank=rank, first_position=a, second_position=b
        )
    return couple


@pytest.fixture
def ranked(positions):  # type: ignore[no-untyped-def]
    """The first position's employer, with five applicants ranked in order."""
    position = positions[0]
    user = f.MembershipFactory(organisation=position.employer).user
    people = f.applicants_for(position, 5)
    employer_ranking_set(position=position, applicant_ids=[a.pk for a in people], user=user)
    return position, user, people


# Only the changed rows, with the actor ------------------------------------------------------


def test_applicant_one_move_writes_only_the_two_swapped_rows_with_the_actor(
    kari, positions
) -> None:
    since = _last_event(ApplicantRanking)
    response = client_for(kari.user).post(
        reverse("applicants:ranking"), {"action": f"up:{positions[3].pk}"}
    )
    assert response.status_code == 302
    assert APPLICANT_LIST.keys({"applicant": kari}) == [positions[i].pk for i in (0, 1, 3, 2, 4)]
    assert _events(ApplicantRanking, since) == [
        ("update", kari.user.email, "applicant_ranking_set"),
        ("update", kari.user.email, "applicant_ranking_set"),
    ]


def test_applicant_drag_to_the_top_renumbers_in_one_event_per_moved_row(kari, positions) -> None:
    since = _last_event(ApplicantRanking)
    order = [positions[4], *positions[:4]]
    response = client_for(kari.user).post(
        reverse("applicants:ranking"),
        {"action": "order", "order": [p.pk for p in order], "moved": positions[4].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    # Every row moved once; nothing was deleted or inserted.
    assert (
        _events(ApplicantRanking, since)
        == [("update", kari.user.email, "applicant_ranking_set")] * 5
    )


def test_applicant_saving_the_same_order_writes_nothing(kari, positions) -> None:
    since = _last_event(ApplicantRanking)
    response = _api(kari.user).put(
        "/api/applicant/ranking/order/", {"positions": [p.pk for p in positions]}, format="json"
    )
    assert response.status_code == 200
    assert _events(ApplicantRanking, since) == []


def test_applicant_api_records_the_actor(kari, positions) -> None:
    since = _last_event(ApplicantRanking)
    order = [positions[1], positions[0], *positions[2:]]
    response = _api(kari.user).put(
        "/api/applicant/ranking/order/", {"positions": [p.pk for p in order]}, format="json"
    )
    assert response.status_code == 200
    assert (
        _events(ApplicantRanking, since)
        == [("update", kari.user.email, "applicant_ranking_set")] * 2
    )


def test_employer_move_to_place_writes_only_the_rows_between(ranked) -> None:
    position, user, people = ranked
    since = _last_event(EmployerRanking)
    response = client_for(user).post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": f"to:{people[3].pk}", "to": "2"},
    )
    assert response.status_code == 302
    assert EMPLOYER_LIST.keys({"position": position}) == [people[i].pk for i in (0, 3, 1, 2, 4)]
    # Places 2, 3 and 4 changed; 1 and 5 were not written.
    assert _events(EmployerRanking, since) == [("update", user.email, "employer_ranking_set")] * 3


def test_employer_api_records_the_actor(ranked) -> None:
    position, user, people = ranked
    since = _last_event(EmployerRanking)
    ids = [people[4].pk, *[a.pk for a in people[:3]]]  # people[3] left off, people[4] first
    response = _api(user).put(
        f"/api/employer/positions/{position.pk}/ranking/", {"applicant_ids": ids}, format="json"
    )
    assert response.status_code == 200
    assert _events(EmployerRanking, since) == sorted(
        [("delete", user.email, "employer_ranking_set")]
        + [("update", user.email, "employer_ranking_set")] * 4
    )


def test_couple_one_move_writes_only_the_two_swapped_pairs_with_the_actor(
    couple, kari, positions
) -> None:
    since = _last_event(CouplePreference)
    response = client_for(kari.user).post(
        reverse("applicants:couple_pairs", args=[couple.pk]),
        {"action": f"down:{positions[0].pk}-{positions[1].pk}"},
    )
    assert response.status_code == 302
    assert COUPLE_LIST.keys({"couple": couple}) == [
        (positions[1].pk, positions[2].pk),
        (positions[0].pk, positions[1].pk),
        (positions[2].pk, positions[3].pk),
        (positions[3].pk, positions[4].pk),
    ]
    assert _events(CouplePreference, since) == [("update", kari.user.email, "couple_pairs_set")] * 2


def test_couple_api_records_the_actor(couple, positions) -> None:
    per = couple.second
    since = _last_event(CouplePreference)
    body = {
        "pairs": [
            {"first_position": positions[0].pk, "second_position": positions[1].pk},
            {"first_position": None, "second_position": positions[4].pk},
        ]
    }
    response = _api(per.user).put(f"/api/applicant/couples/{couple.pk}/pairs/", body, format="json")
    assert response.status_code == 200
    assert _events(CouplePreference, since) == sorted(
        [("delete", per.user.email, "couple_pairs_set")] * 3
        + [("insert", per.user.email, "couple_pairs_set")]
    )


def test_a_withdrawal_closes_up_the_list_and_the_couples_pairs_with_the_actor(
    couple, kari, positions
) -> None:
    application = kari.applications.get(position=positions[1])
    since = (_last_event(ApplicantRanking), _last_event(CouplePreference))
    response = client_for(kari.user).post(
        reverse("applicants:application_withdraw", args=[application.pk])
    )
    assert response.status_code == 302
    # The withdrawn position's row goes, the three below it move up one place.
    assert _events(ApplicantRanking, since[0]) == sorted(
        [("delete", kari.user.email, "application_withdraw")]
        + [("update", kari.user.email, "application_withdraw")] * 3
    )
    # Kari's side of pair 2 was the withdrawn position: that pair goes, 3 and 4 move up.
    assert _events(CouplePreference, since[1]) == sorted(
        [("delete", kari.user.email, "application_withdraw")]
        + [("update", kari.user.email, "application_withdraw")] * 2
    )


# The writer itself -------------------------------------------------------------------------


@pytest.mark.parametrize("deferrable", [True, False], ids=["one-update", "parked"])
def test_writer_reverses_a_list_inserts_and_deletes(ranked, monkeypatch, deferrable) -> None:  # type: ignore[no-untyped-def]
    """Also the path of a database without deferrable constraints (SQLite): the moved rows
    are parked above every rank first."""
    position, user, people = ranked
    extra = f.applicants_for(position, 1)[0]
    monkeypatch.setattr(connection.features, "supports_deferrable_unique_constraints", deferrable)
    keys = [extra.pk, *[a.pk for a in reversed(people[1:])]]
    diff = write_ordered_list(
        model=EmployerRanking,
        owner={"position": position},
        key="applicant_id",
        keys=keys,
        actor=user,
        action="test",
    )
    assert (diff.inserted, diff.deleted, diff.moved) == ((extra.pk,), (people[0].pk,), 4)
    assert EMPLOYER_LIST.keys({"position": position}) == keys


def test_list_step_is_kept_within_the_list() -> None:
    assert list_step(["a", "b", "c"], "a", -1) == ["a", "b", "c"]
    assert list_step(["a", "b", "c"], "a", 1) == ["b", "a", "c"]
    assert list_step(["a", "b", "c"], "c", 1) == ["a", "b", "c"]
    with pytest.raises(ValueError):
        list_step(["a"], "x", 1)


# Rules: refused with the rule's name, through the page and the API, nothing written --------


def _refused(response, rule: str, message: str) -> None:  # type: ignore[no-untyped-def]
    # Every API answers a refusal {detail, rule} (lis1.api_errors): 400 for bad input, 409 for
    # a rule refusing now.
    assert response.status_code in (400, 409)
    body = response.json()
    assert (body["detail"], body["rule"]) == (message, rule)


DEADLINE = "The ranking deadline has passed: the ranking is read-only."


def test_applicant_list_after_the_deadline_is_refused_and_unchanged(kari, positions) -> None:
    f.pass_ranking_deadline(positions[0].round)
    since = _last_event(ApplicantRanking)
    with pytest.raises(ApplicationError) as refusal:
        applicant_ranking_set(
            applicant=kari, round_=positions[0].round, position_ids=[p.pk for p in positions][::-1]
        )
    assert refusal.value.rule == "ranking_deadline_passed"
    page = client_for(kari.user)
    page.cookies["lis1_language"] = "en"
    response = page.post(
        reverse("applicants:ranking"), {"action": f"up:{positions[3].pk}"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert DEADLINE in response.content.decode()
    _refused(
        _api(kari.user).put(
            "/api/applicant/ranking/order/",
            {"positions": [p.pk for p in positions][::-1]},
            format="json",
        ),
        "ranking_deadline_passed",
        DEADLINE,
    )
    assert _events(ApplicantRanking, since) == []


def test_applicant_list_must_hold_each_position_once(kari, positions) -> None:
    since = _last_event(ApplicantRanking)
    message = "The ranking must list each position you applied to exactly once."
    response = _api(kari.user).put(
        "/api/applicant/ranking/order/", {"positions": [positions[0].pk]}, format="json"
    )
    assert response.status_code == 400
    _refused(response, "application_input", message)
    page = client_for(kari.user)
    page.cookies["lis1_language"] = "en"
    response = page.post(
        reverse("applicants:ranking"),
        {"action": "order", "order": [positions[0].pk, positions[0].pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _events(ApplicantRanking, since) == []


def test_employer_list_after_the_deadline_is_refused_and_unchanged(ranked) -> None:
    position, user, people = ranked
    f.pass_ranking_deadline(position.round)
    since = _last_event(EmployerRanking)
    with pytest.raises(RankingError) as refusal:
        employer_ranking_set(position=position, applicant_ids=[people[1].pk], user=user)
    assert refusal.value.rule == "ranking_deadline_passed"
    page = client_for(user)
    page.cookies["lis1_language"] = "en"
    response = page.post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": f"up:{people[2].pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert DEADLINE in response.content.decode()
    _refused(
        _api(user).post(
            f"/api/employer/positions/{position.pk}/ranking/move/",
            {"applicant_id": people[2].pk, "place": 1},
            format="json",
        ),
        "ranking_deadline_passed",
        DEADLINE,
    )
    _refused(
        _api(user).put(
            f"/api/employer/positions/{position.pk}/ranking/",
            {"applicant_ids": [people[1].pk]},
            format="json",
        ),
        "ranking_deadline_passed",
        DEADLINE,
    )
    assert _events(EmployerRanking, since) == []


def test_employer_list_holds_only_applicants_to_the_position(ranked) -> None:
    position, user, _people = ranked
    stranger = f.ApplicantFactory()
    since = _last_event(EmployerRanking)
    _refused(
        _api(user).put(
            f"/api/employer/positions/{position.pk}/ranking/",
            {"applicant_ids": [stranger.pk]},
            format="json",
        ),
        "ranking_input",
        "Only applicants who applied to this position can be ranked.",
    )
    assert _events(EmployerRanking, since) == []


def test_couple_list_after_the_deadline_is_refused_and_unchanged(couple, kari, positions) -> None:
    f.pass_ranking_deadline(positions[0].round)
    since = _last_event(CouplePreference)
    page = client_for(kari.user)
    page.cookies["lis1_language"] = "en"
    response = page.post(
        reverse("applicants:couple_pairs", args=[couple.pk]),
        {"action": f"down:{positions[0].pk}-{positions[1].pk}"},
        follow=True,
    )
    assert DEADLINE in response.content.decode()
    _refused(
        _api(kari.user).put(
            f"/api/applicant/couples/{couple.pk}/pairs/",
            {"pairs": [{"first_position": positions[0].pk, "second_position": None}]},
            format="json",
        ),
        "ranking_deadline_passed",
        DEADLINE,
    )
    assert _events(CouplePreference, since) == []
