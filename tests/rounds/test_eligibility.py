"""LIS1's eligibility rules live in lis1.rounds.eligibility only: no module repeats the 12- and
6-month limits or the EU/EEA list, and the rules refuse through the page and the API alike with
a message that names them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lis1.rounds import eligibility
from lis1.rounds.enums import PositionKind
from lis1.rounds.models import Application
from tests.conftest import client_for
from tests.factories import ApplicantFactory, PositionFactory

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("lis1", "applicants", "employers", "municipalities")
ELIGIBILITY = REPO / "lis1" / "rounds" / "eligibility.py"
COUNTRIES = REPO / "lis1" / "rounds" / "countries.py"

# The old ways of writing the rules: a limit compared with or filtered on a prior-service
# field, a validator with the bare number, a model property doing its own arithmetic.
LITERAL_PATTERNS = (
    re.compile(r"prior_(hospital|municipal)_months(__[a-z]+)?\s*(=|==|>=|<=|>|<)\s*(6|12|18)\b"),
    re.compile(r"prior_(hospital|municipal)\s*=\s*(6|12)\b"),
    re.compile(r"MaxValueValidator\(\s*(6|12|18)\s*\)"),
)


def _python_sources() -> list[Path]:
    return [
        path
        for package in SOURCES
        for path in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_but_eligibility_spells_out_the_month_limits() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in _python_sources()
        if path != ELIGIBILITY
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(pattern.search(line) for pattern in LITERAL_PATTERNS)
    ]
    assert offenders == []


def test_no_template_spells_out_the_month_limits() -> None:
    """Pages take the numbers from their context (the start page: lis1.views.home)."""
    spelled = re.compile(r"\b(6|12|18)[ -]months?\b")
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "templates").rglob("*.html"))
        if spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_patterns_would_find_the_old_literals() -> None:
    """The scan above is only worth something if it recognises what used to be there."""
    old = (
        "return queryset.filter(applicant__prior_hospital_months__gte=12)",
        "return self.prior_municipal_months >= 6 and self.prior_hospital_months < 12",
        "validators=[MaxValueValidator(12)]",
        "prior_hospital = 12",
    )
    assert all(any(p.search(line) for p in LITERAL_PATTERNS) for line in old)


#: A list of countries bound to an EEA name (a group key such as ``EEA = "eea"`` is no list).
COUNTRY_LIST = r"^_?EEA(_COUNTRIES)?\s*=\s*(frozenset|set|tuple|list)?\s*[(\[{]"


def test_the_eea_list_is_defined_once_outside_the_demo() -> None:
    assert re.search(COUNTRY_LIST, 'EEA = ("AT", "BE")') and re.search(COUNTRY_LIST, "_EEA = {")
    assert not re.search(COUNTRY_LIST, 'EEA = "eea"')
    definitions = [
        str(path.relative_to(REPO))
        for path in _python_sources()
        if re.search(COUNTRY_LIST, path.read_text(encoding="utf-8"), re.M)
    ]
    assert definitions == [str(COUNTRIES.relative_to(REPO))]
    demo_users = [
        str(path.relative_to(REPO))
        for path in _python_sources()
        if "demo" not in path.parts
        and "management" not in path.parts
        and re.search(r"^\s*from lis1\.rounds\.demo", path.read_text(encoding="utf-8"), re.M)
    ]
    assert demo_users == []


@pytest.mark.parametrize(
    ("hospital", "municipal", "needed"),
    [
        (0, 0, PositionKind.FULL),
        (eligibility.HOSPITAL_MONTHS - 1, eligibility.MUNICIPAL_MONTHS - 1, PositionKind.FULL),
        (eligibility.HOSPITAL_MONTHS, 0, PositionKind.MUNICIPALITY_ONLY),
        (0, eligibility.MUNICIPAL_MONTHS, PositionKind.HOSPITAL_ONLY),
        (eligibility.HOSPITAL_MONTHS, eligibility.MUNICIPAL_MONTHS, None),
    ],
)
def test_part_needed_and_its_filter_agree(db, hospital, municipal, needed) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory(prior_hospital_months=hospital, prior_municipal_months=municipal)
    assert applicant.kind_needed == needed
    from lis1.rounds.models import Applicant

    for kind in PositionKind.values:
        found = Applicant.objects.filter(eligibility.needs(kind), pk=applicant.pk).exists()
        assert found == (kind == needed), kind
    assert Applicant.objects.filter(eligibility.needs_some_part(), pk=applicant.pk).exists() == (
        needed is not None
    )


# Refused through the page and the API ------------------------------------------------------


@pytest.fixture
def open_position(db):  # type: ignore[no-untyped-def]
    from tests.factories import OpenRoundFactory

    return PositionFactory(round=OpenRoundFactory(), kind=PositionKind.FULL)


HOSPITAL_DONE_MESSAGE = (
    "You have completed the hospital part of LIS1 (12 months), so you can apply only to "
    "positions for the municipal part."
)


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    client.cookies["lis1_language"] = "en"
    return client


def test_apply_page_refuses_a_position_of_a_kind_not_needed(open_position) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory(prior_hospital_months=eligibility.HOSPITAL_MONTHS)
    client = client_for(applicant.user)
    client.cookies["lis1_language"] = "en"
    # Said before anything is written, and again when the form is sent anyway.
    form = client.get(reverse("applicants:apply", args=[open_position.pk])).content.decode()
    assert HOSPITAL_DONE_MESSAGE in form
    fresh = client_for(ApplicantFactory().user)
    fresh.cookies["lis1_language"] = "en"
    page = fresh.get(reverse("applicants:apply", args=[open_position.pk])).content.decode()
    assert "LIS1" in page and "You have completed" not in page
    response = client.post(reverse("applicants:apply", args=[open_position.pk]), {"motivation": ""})
    assert response.status_code != 302
    assert HOSPITAL_DONE_MESSAGE in response.content.decode()
    assert not Application.objects.filter(applicant=applicant).exists()


def test_api_refuses_a_position_of_a_kind_not_needed_naming_the_rule(open_position) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory(prior_hospital_months=eligibility.HOSPITAL_MONTHS)
    response = _api(applicant.user).post(
        "/api/applicant/applications/", {"position": open_position.pk}, format="json"
    )
    # 400 from the applicant API's own catch, 409 from the project's one exception handler.
    assert response.status_code in (400, 409)
    body = response.json()
    assert body["detail"] == HOSPITAL_DONE_MESSAGE
    if "rule" in body:
        assert body["rule"] == eligibility.RULE_PART_NEEDED
    assert not Application.objects.filter(applicant=applicant).exists()


def test_a_part_only_position_takes_those_who_need_that_part(db) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import OpenRoundFactory

    position = PositionFactory(
        round=OpenRoundFactory(), kind=PositionKind.MUNICIPALITY_ONLY, rotation=""
    )
    fresh = ApplicantFactory()
    done = ApplicantFactory(prior_hospital_months=eligibility.HOSPITAL_MONTHS)
    refused = _api(fresh.user).post(
        "/api/applicant/applications/", {"position": position.pk}, format="json"
    )
    assert refused.status_code in (400, 409)
    assert "for one part of LIS1 only" in refused.json()["detail"]
    accepted = _api(done.user).post(
        "/api/applicant/applications/", {"position": position.pk}, format="json"
    )
    assert accepted.status_code == 201, accepted.content


PRIOR_SERVICE = "Prior LIS1 service is at most 12 months in hospital and 6 in a municipality."


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("prior_hospital_months", eligibility.HOSPITAL_MONTHS + 1),
        ("prior_municipal_months", eligibility.MUNICIPAL_MONTHS + 1),
    ],
)
def test_api_profile_refuses_prior_service_out_of_range_naming_the_rule(db, field, value) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    response = _api(applicant.user).patch(
        "/api/applicant/profile/me/", {field: value}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {field: [PRIOR_SERVICE]}
    applicant.refresh_from_db()
    assert getattr(applicant, field) == 0
