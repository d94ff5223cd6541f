"""The ranking in pages: "move to place N" without JavaScript (and with it, the fragment),
the checked place, the ranking deadline, another trust, drag and drop within a page, the
row at a page's edge, and names that link to the applicant."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from employers.views import RANKING_PAGE_SIZE, UNRANKED_SHOWN
from lis1.rounds.models import EmployerRanking
from lis1.rounds.services.rankings import (
    RankingError,
    RankingPlaceInvalid,
    employer_ranking_move,
    employer_ranking_set,
    ranking_ids,
    ranking_reorder,
)
from tests import factories as f
from tests.conftest import client_for as _client_for

pytestmark = pytest.mark.django_db


def client_for(user):  # type: ignore[no-untyped-def]
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _change(position, page: int | None = None) -> str:  # type: ignore[no-untyped-def]
    url = reverse("employers:ranking_change", args=[position.pk])
    return f"{url}?page={page}" if page else url


def _page(position, page: int | None = None) -> str:  # type: ignore[no-untyped-def]
    url = reverse("employers:ranking", args=[position.pk])
    return f"{url}?page={page}" if page else url


@pytest.fixture
def long_list(position):  # type: ignore[no-untyped-def]
    """Two and a half pages of ranked applicants, and three more who are not ranked."""
    applicants = f.applicants_for(position, RANKING_PAGE_SIZE * 2 + RANKING_PAGE_SIZE // 2 + 3)
    ranked = applicants[:-3]
    employer_ranking_set(position=position, applicant_ids=[a.pk for a in ranked])
    return ranked, applicants[-3:]


def test_move_to_place_without_javascript(employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    before = [a.pk for a in ranked]
    mover = ranked[RANKING_PAGE_SIZE * 2 + 4]  # number 105, on page 3
    response = client_for(employer_user).post(
        _change(position, 3), {"action": f"to:{mover.pk}", "to": "10"}
    )
    assert response.status_code == 302
    # Back to the page that shows the entry at its new place.
    assert response["Location"] == f"{_page(position)}#entry-{mover.pk}"
    expected = [*before[:9], mover.pk, *[a for a in before[9:] if a != mover.pk]]
    assert ranking_ids(position) == expected
    ranks = list(EmployerRanking.objects.filter(position=position).values_list("rank", flat=True))
    assert sorted(ranks) == list(range(1, len(before) + 1))


def test_move_down_to_a_later_page(employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    mover = ranked[0]
    place = RANKING_PAGE_SIZE + 3
    response = client_for(employer_user).post(
        _change(position), {"action": f"to:{mover.pk}", "to": place}
    )
    assert response["Location"] == f"{_page(position, 2)}#entry-{mover.pk}"
    assert ranking_ids(position).index(mover.pk) == place - 1
    page = client_for(employer_user).get(response["Location"])
    assert mover.pk in [e.applicant_id for e in page.context["entries"]]


@pytest.mark.parametrize("place", ["0", "-1", "999", "abc", "", "2.5"])
def test_a_place_outside_the_list_is_a_form_error(
    employer_user, position, long_list, place
) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    before = ranking_ids(position)
    mover = ranked[RANKING_PAGE_SIZE + 1]
    response = client_for(employer_user).post(
        _change(position, 2), {"action": f"to:{mover.pk}", "to": place}
    )
    assert response.status_code == 400
    body = response.content.decode()
    message = (
        f"Choose a place from 1 to {len(ranked)}."
        if place.lstrip("-").isdigit()
        else "Give the new place as"
    )
    assert message in body
    # The field is marked and described by its message, with the value typed.
    assert f'id="place-{mover.pk}-error"' in body
    assert f'aria-describedby="place-{mover.pk}-error"' in body
    assert 'aria-invalid="true"' in body
    assert f'href="#place-{mover.pk}"' in body
    assert ranking_ids(position) == before


def test_place_error_with_htmx_is_the_fragment(employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    before = ranking_ids(position)
    response = client_for(employer_user).post(
        _change(position),
        {"action": f"to:{ranked[0].pk}", "to": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body and 'id="ranking"' in body
    assert f"Choose a place from 1 to {len(ranked)}." in body
    assert f'id="place-{ranked[0].pk}-error"' in body
    assert ranking_ids(position) == before


def test_move_to_place_with_htmx_returns_the_page_of_the_entry(
    employer_user, position, long_list
) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    mover = ranked[3]
    response = client_for(employer_user).post(
        _change(position),
        {"action": f"to:{mover.pk}", "to": RANKING_PAGE_SIZE * 2 + 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert f'data-ranking-url="{_page(position, 3)}"' in body
    # Said by the live region.
    name = mover.full_name
    assert f"{name} is now number {RANKING_PAGE_SIZE * 2 + 1}." in body
    assert f'class="ranking-item ranking-item--moved" data-applicant="{mover.pk}"' in body
    assert ranking_ids(position).index(mover.pk) == RANKING_PAGE_SIZE * 2


def test_move_after_the_ranking_deadline_is_refused(employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=f.past_ranking_deadline_round(), employer=trust)
    a, b, c = f.applicants_for(position, 3)
    f.employer_list(position, a, b, c)
    client = client_for(employer_user)
    for data in (
        {"action": f"to:{c.pk}", "to": "1"},
        {"action": f"up:{c.pk}"},
        {"action": "order", "order": f"{c.pk},{b.pk},{a.pk}", "offset": "0"},
    ):
        response = client.post(_change(position), data)
        assert response.status_code == 409
        assert "The ranking deadline has passed" in response.content.decode()
    assert ranking_ids(position) == [a.pk, b.pk, c.pk]
    body = client.get(_page(position)).content.decode()
    assert 'name="to"' not in body and 'id="ranking-order-form"' not in body


def test_another_trusts_position_is_404(other_employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    before = ranking_ids(position)
    client = client_for(other_employer_user)
    assert client.get(_page(position)).status_code == 404
    response = client.post(_change(position), {"action": f"to:{ranked[5].pk}", "to": 1})
    assert response.status_code == 404
    assert ranking_ids(position) == before


def test_the_ranking_is_paginated_and_names_link_to_the_applicant(
    employer_user, position, long_list
) -> None:  # type: ignore[no-untyped-def]
    ranked, unranked = long_list
    client = client_for(employer_user)
    first = client.get(_page(position))
    assert [e.applicant_id for e in first.context["entries"]] == [
        a.pk for a in ranked[:RANKING_PAGE_SIZE]
    ]
    third = client.get(_page(position, 3))
    entries = third.context["entries"]
    assert [e.rank for e in entries] == list(range(RANKING_PAGE_SIZE * 2 + 1, len(ranked) + 1))
    body = third.content.decode()
    application = ranked[-1].applications.get()
    assert f'href="{reverse("employers:applicant", args=[position.pk, application.pk])}"' in body
    # The last entry has no Down, the first of the page an Up (it moves to page 2).
    assert f'id="move-{ranked[-1].pk}-down"' not in body
    assert f'id="move-{entries[0].applicant_id}-up"' in body
    assert f'action="{_change(position, 3)}"' in body
    # The unranked applicants are still offered.
    assert all(a.full_name in body for a in unranked)
    assert third.context["count"] == len(ranked)


def test_unranked_section_is_bounded(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    f.applicants_for(position, UNRANKED_SHOWN + 5)
    response = client_for(employer_user).get(_page(position))
    assert len(response.context["unranked"]) == UNRANKED_SHOWN
    assert response.context["unranked_count"] == UNRANKED_SHOWN + 5
    body = response.content.decode()
    assert "?ranked=no" in body


def test_up_from_the_top_of_a_page_goes_to_the_previous_page(
    employer_user, position, long_list
) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    top_of_page_2 = ranked[RANKING_PAGE_SIZE]
    response = client_for(employer_user).post(
        _change(position, 2), {"action": f"up:{top_of_page_2.pk}"}
    )
    assert response["Location"] == f"{_page(position)}#entry-{top_of_page_2.pk}"
    assert ranking_ids(position).index(top_of_page_2.pk) == RANKING_PAGE_SIZE - 1


def test_drag_order_of_one_page_keeps_the_others(employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    ranked, _unranked = long_list
    before = [a.pk for a in ranked]
    page_2 = before[RANKING_PAGE_SIZE : RANKING_PAGE_SIZE * 2]
    new_order = [page_2[-1], *page_2[:-1]]
    response = client_for(employer_user).post(
        _change(position, 2),
        {
            "action": "order",
            "order": new_order,
            "offset": RANKING_PAGE_SIZE,
            "moved": page_2[-1],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ranking_ids(position) == [
        *before[:RANKING_PAGE_SIZE],
        *new_order,
        *before[RANKING_PAGE_SIZE * 2 :],
    ]
    assert f'data-ranking-url="{_page(position, 2)}"' in response.content.decode()


def test_drag_order_of_a_stale_page_is_refused(employer_user, position, long_list) -> None:  # type: ignore[no-untyped-def]
    _ranked, unranked = long_list
    before = ranking_ids(position)
    stale = [unranked[0].pk, *before[1:RANKING_PAGE_SIZE]]
    response = client_for(employer_user).post(
        _change(position),
        {"action": "order", "order": stale, "offset": 0, "moved": unranked[0].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()
    assert ranking_ids(position) == before


def test_service_checks_the_place_and_the_stretch(position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    with translation.override("en"):
        with pytest.raises(RankingPlaceInvalid, match="from 1 to 3") as caught:
            employer_ranking_move(position=position, applicant_id=a.pk, place=4)
        assert caught.value.rule == "ranking_place_out_of_range"
        with pytest.raises(RankingError, match="not on the ranking"):
            employer_ranking_move(position=position, applicant_id=999_999, place=1)
        with pytest.raises(RankingError, match="changed meanwhile"):
            ranking_reorder(position=position, offset=1, applicant_ids=[a.pk, c.pk])
        with pytest.raises(RankingError, match="changed meanwhile"):
            ranking_reorder(position=position, offset=-1, applicant_ids=[a.pk])
    assert employer_ranking_move(position=position, applicant_id=c.pk, place=1) == [
        c.pk,
        a.pk,
        b.pk,
    ]
    assert ranking_reorder(position=position, offset=1, applicant_ids=[b.pk, a.pk]) == [
        c.pk,
        b.pk,
        a.pk,
    ]


def test_move_clears_the_submission(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk])
    client = client_for(employer_user)
    client.post(reverse("employers:ranking_submit", args=[position.pk]))
    client.post(_change(position), {"action": f"to:{b.pk}", "to": 1})
    position.refresh_from_db()
    assert position.ranking_submitted_at is None
    assert ranking_ids(position) == [b.pk, a.pk]
