"""A round where no stable matching exists (Klaus & Klijn's couple example): the run says so
in words, lists the blocking pairs, and publishing it needs an explicit confirmation with a
reason, on the page and in the API alike (one rule in match_run_publish)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lis1.rounds.enums import CoupleStatus, RoundEventKind
from lis1.rounds.models import Couple, CouplePreference, MatchRun, Position, RoundEvent
from lis1.rounds.services import matching
from tests import factories as f
from tests.conftest import client_for
from tests.directorate.test_api import RUNS, api_for, assert_refused

pytestmark = pytest.mark.django_db

UNSTABLE = (
    "The matching is not stable (it has blocking pairs): confirm and give a reason to publish "
    "anyway."
)


@pytest.fixture
def no_stable_round():  # type: ignore[no-untyped-def]
    """H1 and H2 have one seat each. The single S ranks H1 > H2; the couple (M1, M2) wants
    (H1, H2) only; H1 ranks M1 > S, H2 ranks S > M2. Every matching has a blocking pair."""
    round_ = f.matching_round()
    h1 = f.PositionFactory(round=round_, seats=1, reference="H-1")
    h2 = f.PositionFactory(round=round_, seats=1, reference="H-2")
    s, m1, m2 = f.ApplicantFactory(), f.ApplicantFactory(), f.ApplicantFactory()
    f.rank_positions(round_, s, h1, h2)
    for member, position in ((m1, h1), (m2, h2)):
        f.ApplicationFactory(applicant=member, position=position)
    couple = Couple.objects.create(
        round=round_, first=m1, second=m2, status=CoupleStatus.ACCEPTED, accepted_at=timezone.now()
    )
    CouplePreference.objects.create(couple=couple, rank=1, first_position=h1, second_position=h2)
    f.employer_list(h1, m1, s)
    f.employer_list(h2, s, m2)
    Position.objects.filter(round=round_).update(ranking_submitted_at=timezone.now())
    run = matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=4))
    assert matching.match_run_verify(match_run=run) == []
    return {"round": round_, "run": MatchRun.objects.get(pk=run.pk), "couple": couple}


def test_the_run_records_that_no_stable_matching_exists(no_stable_round) -> None:  # type: ignore[no-untyped-def]
    run = no_stable_round["run"]
    assert run.stable is False
    assert run.statistics["verdict"] == "none_exists"
    assert run.statistics["exact"]["blocking_agents"] == 1


def test_run_page_says_the_verdict_in_words_and_lists_the_blocking_pairs(
    no_stable_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    page = client.get(reverse("directorate:match_run", args=[no_stable_round["run"].pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "No stable matching exists for this round: the exact check proved it." in text
    assert "any matching can have: 1." in text
    assert f"Couple C{no_stable_round['couple'].pk} with" in text or "Applicant A" in text


def test_run_page_verdict_is_translated(no_stable_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    client = client_for(directorate_user)
    for language, words in (("nb", "Ingen stabil tildeling finnes"), ("nn", "Inga stabil")):
        client.cookies["lis1_language"] = language
        page = client.get(reverse("directorate:match_run", args=[no_stable_round["run"].pk]))
        assert words in page.content.decode(), language


def test_publishing_an_unstable_run_through_the_api_needs_confirmation_and_a_reason(
    no_stable_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    run = no_stable_round["run"]
    client = api_for(directorate_user)
    url = f"{RUNS}{run.pk}/publish/"
    for body in ({}, {"confirm": True}, {"reason": "No confirm"}, {"confirm": True, "reason": " "}):
        response = client.post(url, body, format="json")
        assert_refused(response, "confirmation_required")
        assert response.json()["detail"] == UNSTABLE
        assert MatchRun.objects.get(pk=run.pk).published_at is None, body

    detail = client.get(f"{RUNS}{run.pk}/").json()
    assert detail["statistics"]["verdict"] == "none_exists"

    reason = "Proven that no stable matching exists; fewest blocking applicants published."
    response = client.post(url, {"confirm": True, "reason": reason}, format="json")
    assert response.status_code == 200, response.content
    run.refresh_from_db()
    assert run.publish_reason == reason
    event = RoundEvent.objects.get(round=run.round, kind=RoundEventKind.PUBLISHED)
    assert event.reason == reason
    assert event.details["stable"] is False
    assert event.details["verdict"] == "none_exists"


def test_publishing_an_unstable_run_on_the_page_needs_confirmation_and_a_reason(
    no_stable_round, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    run = no_stable_round["run"]
    client = client_for(directorate_user)
    client.cookies["lis1_language"] = "en"
    url = reverse("directorate:match_run_publish", args=[run.pk])
    page = client.get(url).content.decode()
    assert "The matching is not stable" in page
    assert "Publish although the matching is not stable" in page

    refused = client.post(url, {"reason": "Forgot to tick"})
    assert refused.status_code == 409
    assert UNSTABLE in refused.content.decode()
    assert MatchRun.objects.get(pk=run.pk).published_at is None

    done = client.post(url, {"confirm": "on", "reason": "Decided by the board"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.published_at is not None and run.publish_reason == "Decided by the board"


def test_unranked_and_unstable_are_confirmed_together(no_stable_round, directorate_user) -> None:  # type: ignore[no-untyped-def]
    run = no_stable_round["run"]
    Position.objects.filter(round=run.round).update(ranking_submitted_at=None)
    client = api_for(directorate_user)
    response = client.post(f"{RUNS}{run.pk}/publish/", {}, format="json")
    assert_refused(response, "confirmation_required")
    detail = response.json()["detail"]
    assert "2 positions have no submitted ranking" in detail and UNSTABLE in detail
    page_client = client_for(directorate_user)
    page_client.cookies["lis1_language"] = "en"
    page = page_client.get(reverse("directorate:match_run_publish", args=[run.pk]))
    assert (
        "Publish although some positions have no submitted ranking and the matching is not stable"
        in page.content.decode()
    )
