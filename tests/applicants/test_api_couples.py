"""The applicant's couples API: the same services as the couple page, 404 for a couple that
is not the applicant's, 400 with the service's message for a refused action."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from lis1.rounds.enums import CoupleStatus
from lis1.rounds.models import Couple, CouplePreference
from tests.factories import ApplicantFactory, ApplicantSideRoundFactory, ApplicationFactory

pytestmark = pytest.mark.django_db

COUPLES = "/api/applicant/couples/"


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    # The services' messages are translated; the language switch's cookie picks English.
    client.cookies["lis1_language"] = "en"
    return client


def pairs_in_db(couple: Couple) -> list[tuple[int | None, int | None]]:
    return list(
        CouplePreference.objects.filter(couple=couple)
        .order_by("rank")
        .values_list("first_position", "second_position")
    )


@pytest.fixture
def applied(me, other_applicant, open_round):  # type: ignore[no-untyped-def]
    """Kari (me) applied to Elverum and Tromsø, Per (other_applicant) to Tromsø and Bergen."""
    elverum, tromso, bergen = open_round["positions"]
    for applicant, positions in [(me, (elverum, tromso)), (other_applicant, (tromso, bergen))]:
        for position in positions:
            ApplicationFactory(applicant=applicant, position=position)
    return {"elverum": elverum.pk, "tromso": tromso.pk, "bergen": bergen.pk}


@pytest.fixture
def couple(me, other_applicant, open_round, applied):  # type: ignore[no-untyped-def]
    """An accepted couple (Kari invited Per) with one pair on its list."""
    couple = Couple.objects.create(
        round=open_round["round"],
        first=me,
        second=other_applicant,
        status=CoupleStatus.ACCEPTED,
        accepted_at=timezone.now(),
    )
    CouplePreference.objects.create(
        couple=couple, rank=1, first_position_id=applied["elverum"], second_position_id=None
    )
    return couple


def test_couple_invite_accept_set_and_read_pairs(me, other_applicant, applied) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = api_for(me.user), api_for(other_applicant.user)

    invited = mine.post(COUPLES, {"email": other_applicant.user.email.upper()}, format="json")
    assert invited.status_code == 201, invited.json()
    pk = invited.json()["id"]
    assert {k: invited.json()[k] for k in ("status", "side", "first_name", "second_name")} == {
        "status": "invited",
        "side": "first",
        "first_name": me.full_name,
        "second_name": other_applicant.full_name,
    }
    listed = theirs.get(COUPLES).json()["results"]
    assert [(c["id"], c["status"], c["side"]) for c in listed] == [(pk, "invited", "second")]

    accepted = theirs.post(f"{COUPLES}{pk}/answer/", {"accept": True}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_at"] is not None

    pairs = [
        {"first_position": applied["tromso"], "second_position": applied["tromso"]},
        {"first_position": applied["elverum"], "second_position": applied["bergen"]},
        {"first_position": None, "second_position": applied["bergen"]},
        {"first_position": applied["elverum"]},
    ]
    saved = mine.put(f"{COUPLES}{pk}/pairs/", {"pairs": pairs}, format="json")
    assert saved.status_code == 200, saved.json()
    expected = [
        {
            "rank": 1,
            "first_position": applied["tromso"],
            "first_title": "LIS1 Tromsø",
            "second_position": applied["tromso"],
            "second_title": "LIS1 Tromsø",
        },
        {
            "rank": 2,
            "first_position": applied["elverum"],
            "first_title": "LIS1 Elverum",
            "second_position": applied["bergen"],
            "second_title": "LIS1 Bergen",
        },
        {
            "rank": 3,
            "first_position": None,
            "first_title": None,
            "second_position": applied["bergen"],
            "second_title": "LIS1 Bergen",
        },
        {
            "rank": 4,
            "first_position": applied["elverum"],
            "first_title": "LIS1 Elverum",
            "second_position": None,
            "second_title": None,
        },
    ]
    assert saved.json() == expected
    # The partner reads the same joint list.
    assert theirs.get(f"{COUPLES}{pk}/pairs/").json() == expected
    assert pairs_in_db(Couple.objects.get(pk=pk)) == [
        (applied["tromso"], applied["tromso"]),
        (applied["elverum"], applied["bergen"]),
        (None, applied["bergen"]),
        (applied["elverum"], None),
    ]


def test_couple_decline_and_dissolve(me, other_applicant, couple) -> None:  # type: ignore[no-untyped-def]
    dissolved = api_for(other_applicant.user).post(f"{COUPLES}{couple.pk}/dissolve/")
    assert dissolved.status_code == 200, dissolved.json()
    assert dissolved.json()["status"] == "dissolved"
    assert pairs_in_db(couple) == []
    # Gone from both lists and addresses; a new invitation can be declined.
    assert api_for(me.user).get(COUPLES).json()["results"] == []
    assert api_for(me.user).get(f"{COUPLES}{couple.pk}/").status_code == 404
    pk = api_for(me.user).post(COUPLES, {"email": other_applicant.user.email}).json()["id"]
    declined = api_for(other_applicant.user).post(f"{COUPLES}{pk}/answer/", {"accept": False})
    assert (declined.status_code, declined.json()["status"]) == (200, "dissolved")


def test_couple_list_shows_the_current_round_only(me, other_applicant, couple) -> None:  # type: ignore[no-untyped-def]
    Couple.objects.create(round=ApplicantSideRoundFactory(), first=other_applicant, second=me)
    listed = api_for(me.user).get(COUPLES).json()["results"]
    assert [c["id"] for c in listed] == [couple.pk]


def test_couple_inviter_cannot_accept_own_invitation(me, other_applicant, open_round) -> None:  # type: ignore[no-untyped-def]
    couple = Couple.objects.create(round=open_round["round"], first=me, second=other_applicant)
    response = api_for(me.user).post(f"{COUPLES}{couple.pk}/answer/", {"accept": True})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This invitation cannot be answered.",
        "rule": "application",
    }
    couple.refresh_from_db()
    assert (couple.status, couple.accepted_at) == (CoupleStatus.INVITED, None)


def test_couple_invite_refusals_have_a_message(me, other_applicant, couple) -> None:  # type: ignore[no-untyped-def]
    # A wrong address is bad input (400); an applicant already in a couple, a rule (409).
    stranger = ApplicantFactory(given_name="Ola")
    for user, email, status, rule, message in [
        (
            stranger.user,
            "ingen@example.no",
            400,
            "application_input",
            "No applicant has an account with this e-mail address.",
        ),
        (
            stranger.user,
            stranger.user.email,
            400,
            "application_input",
            "You cannot form a couple with yourself.",
        ),
        (
            stranger.user,
            me.user.email,
            409,
            "application",
            "This applicant is already in a couple in this round.",
        ),
        (
            me.user,
            stranger.user.email,
            409,
            "application",
            "You are already in a couple or invitation in this round.",
        ),
    ]:
        response = api_for(user).post(COUPLES, {"email": email}, format="json")
        assert (response.status_code, response.json()) == (
            status,
            {"detail": message, "rule": rule},
        )
    malformed = api_for(stranger.user).post(COUPLES, {"email": "not an address"}, format="json")
    assert malformed.status_code == 400
    assert list(malformed.json()) == ["email"]
    assert Couple.objects.count() == 1


def test_couple_of_others_is_404_on_every_endpoint(me, other_applicant, couple, applied) -> None:  # type: ignore[no-untyped-def]
    stranger = ApplicantFactory(given_name="Ola")
    ApplicationFactory(applicant=stranger, position_id=applied["bergen"])
    invited = Couple.objects.create(round=couple.round, first=stranger, second=ApplicantFactory())
    client = api_for(stranger.user)
    body = {"pairs": [{"first_position": applied["elverum"], "second_position": None}]}
    for method, url, data in [
        ("get", f"{COUPLES}{couple.pk}/", None),
        ("post", f"{COUPLES}{couple.pk}/answer/", {"accept": True}),
        ("post", f"{COUPLES}{couple.pk}/answer/", {"accept": False}),
        ("post", f"{COUPLES}{couple.pk}/dissolve/", None),
        ("get", f"{COUPLES}{couple.pk}/pairs/", None),
        ("put", f"{COUPLES}{couple.pk}/pairs/", body),
    ]:
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    assert [c["id"] for c in client.get(COUPLES).json()["results"]] == [invited.pk]
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACCEPTED
    assert pairs_in_db(couple) == [(applied["elverum"], None)]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        # A position the member did not apply to (Bergen is Per's, not Kari's).
        (
            {"pairs": [{"first_position": "bergen", "second_position": None}]},
            {"detail": "Each member can only be paired with positions applied to."},
        ),
        # A position that does not exist.
        (
            {"pairs": [{"first_position": 999999999, "second_position": None}]},
            {"detail": "Each member can only be paired with positions applied to."},
        ),
        (
            {"pairs": [{"first_position": None, "second_position": None}]},
            {"detail": "At least one of the pair must get a position."},
        ),
        (
            {"pairs": [{"second_position": "tromso"}, {"second_position": "tromso"}]},
            {"detail": "This pair is already on the list."},
        ),
    ],
)
def test_couple_pairs_refused_by_the_rules(me, couple, applied, body, error) -> None:  # type: ignore[no-untyped-def]
    pairs = [
        {side: applied.get(value, value) for side, value in pair.items()} for pair in body["pairs"]
    ]
    response = api_for(me.user).put(f"{COUPLES}{couple.pk}/pairs/", {"pairs": pairs}, format="json")
    # Bad input, whatever the moment: 400 with the rule's name.
    assert (response.status_code, response.json()) == (400, {**error, "rule": "application_input"})
    assert pairs_in_db(couple) == [(applied["elverum"], None)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "pairs"),
        ({"pairs": "Elverum"}, "pairs"),
        ({"pairs": [{"first_position": "Elverum"}]}, "pairs"),
        ({"pairs": [[1, 2]]}, "pairs"),
        ('{"pairs": [', "detail"),
    ],
)
def test_couple_pairs_malformed_body_is_400(me, couple, applied, body, field) -> None:  # type: ignore[no-untyped-def]
    client = api_for(me.user)
    url = f"{COUPLES}{couple.pk}/pairs/"
    if isinstance(body, str):
        response = client.put(url, body, content_type="application/json")
    else:
        response = client.put(url, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field]
    assert pairs_in_db(couple) == [(applied["elverum"], None)]


def test_couple_pairs_need_an_accepted_couple(me, other_applicant, open_round, applied) -> None:  # type: ignore[no-untyped-def]
    couple = Couple.objects.create(round=open_round["round"], first=me, second=other_applicant)
    body = {"pairs": [{"first_position": applied["elverum"], "second_position": None}]}
    response = api_for(me.user).put(f"{COUPLES}{couple.pk}/pairs/", body, format="json")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "The partner has not accepted the invitation yet.", "rule": "application"},
    )
    assert pairs_in_db(couple) == []


def test_couples_api_requires_an_applicant(employer_user) -> None:  # type: ignore[no-untyped-def]
    assert api_for(employer_user).get(COUPLES).status_code == 403
    assert APIClient().get(COUPLES).status_code == 403


def test_couple_list_and_pairs_query_count_is_bounded(  # type: ignore[no-untyped-def]
    me, other_applicant, couple, open_round, django_assert_max_num_queries
) -> None:
    client = api_for(me.user)
    # The first request caches the user's roles on the (forcibly authenticated) user object.
    client.get(COUPLES)

    def grow(n: int) -> None:
        # Couples of earlier rounds and of other applicants, and a longer list of pairs.
        for _ in range(n):
            Couple.objects.create(
                round=ApplicantSideRoundFactory(), first=me, second=other_applicant
            )
            Couple.objects.create(
                round=couple.round, first=ApplicantFactory(), second=ApplicantFactory()
            )
            rank = CouplePreference.objects.filter(couple=couple).count() + 1
            position = ApplicationFactory(
                applicant=other_applicant, position__round=couple.round
            ).position
            CouplePreference.objects.create(
                couple=couple, rank=rank, first_position=None, second_position=position
            )

    counts = []
    for n in (1, 10):
        grow(n)
        with django_assert_max_num_queries(4) as listing:
            assert len(client.get(COUPLES).json()["results"]) == 1
        with django_assert_max_num_queries(3) as pairs:
            read = client.get(f"{COUPLES}{couple.pk}/pairs/").json()
        assert len(read) == CouplePreference.objects.filter(couple=couple).count()
        counts.append((len(listing.captured_queries), len(pairs.captured_queries)))
    assert counts[0] == counts[1]


def test_couples_are_in_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in ("", "{id}/", "{id}/answer/", "{id}/dissolve/", "{id}/pairs/"):
        assert f"  /api/applicant/couples/{path}:\n" in schema, path
    assert "operationId: applicant_couples_pairs_update" in schema
