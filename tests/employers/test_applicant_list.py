"""The applicant list of a position: search (name, HPR number, never the identity number),
filters, sort, pages that keep the query, counts, and adding to the ranking from the list
through the ranking service (refusals are 409 and change nothing)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from employers.models import InterviewNote
from employers.views import APPLICANTS_PAGE_SIZE, RANKING_PAGE_SIZE
from lis1.rounds.enums import ApplicationStatus
from lis1.rounds.services.rankings import employer_ranking_set, ranking_ids
from tests import factories as f
from tests.conftest import client_for as _client_for

pytestmark = pytest.mark.django_db


def client_for(user):  # type: ignore[no-untyped-def]
    """A logged-in client that reads the pages in English (the texts asserted below)."""
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(position) -> str:  # type: ignore[no-untyped-def]
    return reverse("employers:applicants", args=[position.pk])


def _add_url(position, query: str = "") -> str:  # type: ignore[no-untyped-def]
    url = reverse("employers:applicants_add", args=[position.pk])
    return f"{url}?{query}" if query else url


def _family(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.applicant.family_name for a in response.context["applications"]]


def _apply(position, **fields):  # type: ignore[no-untyped-def]
    applicant = f.ApplicantFactory(**fields)
    f.ApplicationFactory(applicant=applicant, position=position)
    return applicant


@pytest.fixture
def people(position):  # type: ignore[no-untyped-def]
    """Four applicants with distinct names, HPR numbers and education years."""
    return {
        "kari": _apply(
            position,
            given_name="Kari",
            family_name="Bakken",
            hpr_number="1234567",
            education_year=2021,
        ),
        "jonas": _apply(
            position,
            given_name="Jonas",
            family_name="Aas",
            hpr_number="7654321",
            education_year=2024,
        ),
        "åse": _apply(
            position,
            given_name="Åse",
            family_name="Sæther",
            hpr_number="1239999",
            education_year=None,
        ),
        "kristian": _apply(
            position,
            given_name="Kristian",
            family_name="Karlsen",
            hpr_number="",
            education_year=2019,
        ),
    }


def test_search_by_name_words_and_case(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    assert _family(client.get(_url(position), {"q": "kari"})) == ["Bakken"]
    assert _family(client.get(_url(position), {"q": "KR"})) == ["Karlsen"]
    assert _family(client.get(_url(position), {"q": "sæther"})) == ["Sæther"]
    # Every word must match (given or family name).
    assert _family(client.get(_url(position), {"q": "kari bakken"})) == ["Bakken"]
    assert _family(client.get(_url(position), {"q": "kari aas"})) == []


def test_search_by_hpr_number_prefix(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    assert _family(client.get(_url(position), {"q": "1234567"})) == ["Bakken"]
    assert _family(client.get(_url(position), {"q": "123"})) == ["Bakken", "Sæther"]
    assert _family(client.get(_url(position), {"q": "999"})) == []
    body = client.get(_url(position), {"q": "7654321"}).content.decode()
    assert "7654321" in body  # the HPR number is a column


def test_identity_number_is_neither_searched_nor_shown(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    number = people["kari"].national_id
    assert number
    response = client.get(_url(position), {"q": number})
    assert _family(response) == []
    for part in (number, number[:6]):
        assert _family(client.get(_url(position), {"q": part})) == []
    body = client.get(_url(position)).content.decode()
    assert number not in body and number[:6] not in body


def test_filters_keep_working_with_search(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    people["jonas"].education_country = "SE"
    people["jonas"].save()
    employer_ranking_set(position=position, applicant_ids=[people["kari"].pk])
    client = client_for(employer_user)
    assert _family(client.get(_url(position), {"education": "eea"})) == ["Aas"]
    assert _family(client.get(_url(position), {"ranked": "yes"})) == ["Bakken"]
    assert _family(client.get(_url(position), {"ranked": "no", "q": "k"})) == ["Karlsen"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Aas", "Bakken", "Karlsen", "Sæther"]),
        ("name", ["Aas", "Bakken", "Karlsen", "Sæther"]),
        ("-name", ["Sæther", "Karlsen", "Bakken", "Aas"]),
        # Unknown years last, either way.
        ("education_year", ["Karlsen", "Bakken", "Aas", "Sæther"]),
        ("-education_year", ["Aas", "Bakken", "Karlsen", "Sæther"]),
        # Ranked first, in the list's order, then the others by name.
        ("rank", ["Karlsen", "Aas", "Bakken", "Sæther"]),
        ("notes", ["Sæther", "Aas", "Bakken", "Karlsen"]),
    ],
)
def test_sort(employer_user, position, people, sort: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    employer_ranking_set(
        position=position, applicant_ids=[people["kristian"].pk, people["jonas"].pk]
    )
    application = people["åse"].applications.get()
    InterviewNote.objects.create(application=application, author=employer_user, text="God")
    client = client_for(employer_user)
    assert _family(client.get(_url(position), {"sort": sort} if sort else {})) == expected


def test_unknown_sort_is_a_form_error_not_a_crash(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    response = client_for(employer_user).get(_url(position), {"sort": "national_id"})
    assert response.status_code == 200
    assert response.context["form"].errors["sort"]
    assert len(response.context["applications"]) == 4


def test_pages_keep_search_filter_and_sort(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    count = APPLICANTS_PAGE_SIZE + 5
    for n in range(count):
        _apply(position, given_name="Ola", family_name=f"Nordmann{n:03d}")
    _apply(position, given_name="Per", family_name="Annen")
    client = client_for(employer_user)
    first = client.get(_url(position), {"q": "ola", "sort": "-name"})
    assert len(first.context["applications"]) == APPLICANTS_PAGE_SIZE
    assert first.context["applications"][0].applicant.family_name == f"Nordmann{count - 1:03d}"
    body = first.content.decode()
    assert f"{count} of {count + 1} applicants" in re.sub(r"\s+", " ", body)
    assert f'href="{_url(position)}?q=ola&amp;sort=-name&amp;page=2"' in body
    second = client.get(_url(position), {"q": "ola", "sort": "-name", "page": 2})
    assert _family(second) == [f"Nordmann{n:03d}" for n in range(4, -1, -1)]
    # The add forms of page 2 come back to page 2 with the same query.
    assert "legg-til/?q=ola&amp;sort=-name&amp;page=2" in second.content.decode()


def test_counts_without_filters(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    body = client_for(employer_user).get(_url(position)).content.decode()
    assert "4 applicants" in body
    assert " of 4 " not in body


def test_withdrawn_applications_are_not_listed_or_counted(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    application = people["jonas"].applications.get()
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = application.submitted_at
    application.save()
    response = client_for(employer_user).get(_url(position))
    assert "Aas" not in _family(response)
    assert "3 applicants" in response.content.decode()


def test_add_one_from_the_list(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    employer_ranking_set(position=position, applicant_ids=[people["jonas"].pk])
    kari = people["kari"]
    response = client.post(_add_url(position, "q=kari&sort=name"), {"applicant": kari.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{_url(position)}?q=kari&sort=name#applicant-{kari.pk}"
    assert ranking_ids(position) == [people["jonas"].pk, kari.pk]
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Kari Bakken is number 2 on our ranking." in body
    # Now ranked: the row links to its place on the ranking instead of an add button.
    assert f"/rangering/#entry-{kari.pk}" in body


def test_a_ranked_row_links_to_its_page_of_the_ranking(employer_user, position) -> None:  # type: ignore[no-untyped-def]
    applicants = f.applicants_for(position, RANKING_PAGE_SIZE + 2)
    employer_ranking_set(position=position, applicant_ids=[a.pk for a in applicants])
    last = applicants[-1]
    body = client_for(employer_user).get(_url(position), {"q": last.family_name}).content.decode()
    assert f"/rangering/?page=2#entry-{last.pk}" in body


def test_add_all_found(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(employer_user)
    employer_ranking_set(position=position, applicant_ids=[people["kari"].pk])
    page = client.get(_url(position), {"q": "k", "sort": "-name"})
    assert page.context["unranked_count"] == 1  # Kari is ranked already; Kristian is not
    body = page.content.decode()
    assert "Add the 1 unranked applicant found to our ranking" in body
    response = client.post(_add_url(position, "q=k&sort=-name"), {"all": "1"})
    assert response.status_code == 302
    assert ranking_ids(position) == [people["kari"].pk, people["kristian"].pk]
    # Without a search: everybody left, in the order shown (here education year, latest first).
    response = client.post(_add_url(position, "sort=-education_year"), {"all": "1"})
    assert ranking_ids(position) == [
        people["kari"].pk,
        people["kristian"].pk,
        people["jonas"].pk,
        people["åse"].pk,
    ]
    follow = client.get(response["Location"])
    assert "2 applicants are added to the end of our ranking." in follow.content.decode()
    assert follow.context["unranked_count"] == 0


def test_add_all_in_the_order_of_any_sort(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    """Every sort of the list can be added in its order, also those on counted columns."""
    for name in ("kristian", "kristian", "åse"):
        application = people[name].applications.get()
        InterviewNote.objects.create(application=application, author=employer_user, text="God")
    response = client_for(employer_user).post(_add_url(position, "sort=notes"), {"all": "1"})
    assert response.status_code == 302
    assert ranking_ids(position) == [
        people["kristian"].pk,
        people["åse"].pk,
        people["jonas"].pk,
        people["kari"].pk,
    ]


def test_add_after_the_ranking_deadline_is_refused(employer_user, trust) -> None:  # type: ignore[no-untyped-def]
    position = f.PositionFactory(round=f.past_ranking_deadline_round(), employer=trust)
    a, b = f.applicants_for(position, 2)
    f.employer_list(position, a)
    client = client_for(employer_user)
    one = client.post(_add_url(position), {"applicant": b.pk})
    every = client.post(_add_url(position, "q=o"), {"all": "1"})
    for response in (one, every):
        assert response.status_code == 409
        assert "ranking deadline has passed" in response.content.decode()
    assert ranking_ids(position) == [a.pk]
    # Read-only: the list offers no add buttons.
    body = client.get(_url(position)).content.decode()
    assert "legg-til" not in body


def test_only_applicants_of_the_position_can_be_added(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    stranger = f.ApplicantFactory()
    response = client_for(employer_user).post(_add_url(position), {"applicant": stranger.pk})
    assert response.status_code == 409
    assert ranking_ids(position) == []


def test_another_trusts_position_is_404(other_employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    client = client_for(other_employer_user)
    assert client.get(_url(position)).status_code == 404
    response = client.post(_add_url(position), {"applicant": people["kari"].pk})
    assert response.status_code == 404
    assert client.post(_add_url(position), {"all": "1"}).status_code == 404
    assert ranking_ids(position) == []


def test_add_needs_post(employer_user, position, people) -> None:  # type: ignore[no-untyped-def]
    assert client_for(employer_user).get(_add_url(position)).status_code == 405
