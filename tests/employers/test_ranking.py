"""The employer's ranking: plain-form and htmx changes, drag order, submit, deadline."""

import pytest
from django.urls import reverse
from django.utils import translation

from lis1.rounds.models import EmployerRanking
from lis1.rounds.services.rankings import RankingError, employer_ranking_set, ranking_ids
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _post(client, position, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("employers:ranking_change", args=[position.pk]), data)


def test_plain_forms_add_move_and_remove(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    client = client_for(employer_user)
    for applicant in (a, b, c):
        assert _post(client, position, action=f"add:{applicant.pk}").status_code == 302
    assert ranking_ids(position) == [a.pk, b.pk, c.pk]
    _post(client, position, action=f"up:{c.pk}")
    assert ranking_ids(position) == [a.pk, c.pk, b.pk]
    _post(client, position, action=f"down:{a.pk}")
    assert ranking_ids(position) == [c.pk, a.pk, b.pk]
    _post(client, position, action=f"to:{b.pk}", to=1)
    assert ranking_ids(position) == [b.pk, c.pk, a.pk]
    _post(client, position, action=f"remove:{c.pk}")
    assert ranking_ids(position) == [b.pk, a.pk]
    assert list(EmployerRanking.objects.order_by("rank").values_list("rank", flat=True)) == [1, 2]


def test_htmx_change_returns_the_fragment(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk])
    response = client_for(employer_user).post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": "order", "order": f"{b.pk},{a.pk},{c.pk}", "moved": c.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="ranking"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert ranking_ids(position) == [b.pk, a.pk, c.pk]


def test_order_with_one_value_per_row_is_saved(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk, c.pk])
    response = client_for(employer_user).post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": "order", "order": [c.pk, a.pk, b.pk], "moved": c.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ranking_ids(position) == [c.pk, a.pk, b.pk]


def test_up_from_the_top_keeps_the_first_place(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    # A second quick press of a row's Up button can arrive after the row reached the top.
    a, b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk])
    response = client_for(employer_user).post(
        reverse("employers:ranking_change", args=[position.pk]),
        {"action": f"up:{a.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert ranking_ids(position) == [a.pk, b.pk]


def test_duplicate_in_order_is_refused(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    employer_ranking_set(position=position, applicant_ids=[b.pk])
    with translation.override("en"), pytest.raises(RankingError, match="more than once"):
        employer_ranking_set(position=position, applicant_ids=[a.pk, a.pk])
    assert ranking_ids(position) == [b.pk]


def test_submit_then_change_clears_the_submission(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, _c = applicants
    client = client_for(employer_user)
    employer_ranking_set(position=position, applicant_ids=[a.pk, b.pk])
    client.post(reverse("employers:ranking_submit", args=[position.pk]))
    position.refresh_from_db()
    assert position.ranking_submitted_by == employer_user
    _post(client, position, action=f"up:{b.pk}")
    position.refresh_from_db()
    assert position.ranking_submitted_at is None


def test_submit_needs_a_ranked_applicant(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    client_for(employer_user).post(reverse("employers:ranking_submit", args=[position.pk]))
    position.refresh_from_db()
    assert position.ranking_submitted_at is None


def test_ranking_is_read_only_after_the_deadline(employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    round_ = f.past_ranking_deadline_round()
    position = f.PositionFactory(round=round_, employer=trust)
    a, b = f.applicants_for(position, 2)
    f.employer_list(position, a)
    client = client_for(employer_user)
    _post(client, position, action=f"add:{b.pk}")
    client.post(reverse("employers:ranking_submit", args=[position.pk]))
    position.refresh_from_db()
    assert ranking_ids(position) == [a.pk]
    assert position.ranking_submitted_at is None
    body = client.get(reverse("employers:ranking", args=[position.pk])).content.decode()
    assert "read-only" in body or "skrivebeskyttet" in body or 'data-editable="false"' in body
