"""One outcome vocabulary (lis1.rounds.outcomes): the directorate's round page and API count
the same people with the same words as the status report, and the help page defines them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lis1.rounds import outcomes
from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement
from lis1.rounds.services.placements import placement_answer, placement_start
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_round_page_and_api_count_offered_accepted_and_hired_people(
    directorate_user, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_, _position, _people, run = f.published_list_round(3, seats=2)
    first, second = run.placements.order_by("pk")
    placement_answer(placement=first, accept=True, actor=first.applicant.user)
    placement_answer(placement=second, accept=False, actor=second.applicant.user)
    placement_start(placement=first, started_on=timezone.localdate(), actor=employer_user)

    client = client_for(directorate_user)
    page = client.get(reverse("directorate:round", args=[round_.slug]))
    counted = page.context["round"]
    assert (counted.offered_count, counted.accepted_count, counted.hired_count) == (2, 1, 1)
    [row] = [
        r
        for r in client.get("/api/directorate/rounds/").json()["results"]
        if r["slug"] == round_.slug
    ]
    assert (row["offered_count"], row["accepted_count"], row["hired_count"]) == (2, 1, 1)
    assert Placement.objects.filter(status=PlacementStatus.DECLINED).count() == 1


@pytest.mark.parametrize(
    ("language", "hired"), [("nb", "Ansatt"), ("nn", "Tilsette"), ("en", "Hired")]
)
def test_the_help_page_defines_every_word(client, language: str, hired: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies["lis1_language"] = language
    page = client.get(reverse("how_the_match_works")).content.decode()
    assert f"<dt>{hired}</dt>" in page
    from django.utils import translation

    with translation.override(language):
        for term in outcomes.TERMS:
            assert escape(translation.gettext(term.definition)) in page
            if language != "en":
                assert translation.gettext(term.definition) != term.definition
