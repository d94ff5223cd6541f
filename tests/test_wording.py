"""Wording across the pages: labels with a capital letter, dates as each language writes
them, nouns and verbs kept apart, plurals that agree with their number, one masked identity
number, and lists without a dangling separator."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lis1.jobs.services import _hours_message, _when
from lis1.rounds.calendar import when
from lis1.rounds.eligibility import HOSPITAL_MONTHS, MUNICIPAL_MONTHS
from lis1.rounds.enums import NorwegianProficiency, PositionKind, PositionStatus
from lis1.rounds.services.matching import problem_message
from tests import factories as f

pytestmark = pytest.mark.django_db

LANGUAGES = ["nb", "nn", "en"]
OSLO = ZoneInfo("Europe/Oslo")


def _client(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["lis1_language"] = language
    client.force_login(user)
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


class _Texts(HTMLParser):
    """The text of every element of the given tags (nested markup included)."""

    def __init__(self, tags: set[str]) -> None:
        super().__init__()
        self.tags = tags
        self.open: list[list[str]] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag in self.tags:
            self.open.append([tag])

    def handle_data(self, data: str) -> None:
        for parts in self.open:
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.tags and self.open:
            parts = self.open.pop()
            self.found.append((parts[0], " ".join("".join(parts[1:]).split())))


def _labels(body: str) -> list[tuple[str, str]]:
    parser = _Texts({"label", "dt", "legend"})
    parser.feed(body)
    return parser.found


# 1. Labels start with a capital letter ----------------------------------------------------


@pytest.fixture
def profiled_applicant():  # type: ignore[no-untyped-def]
    return f.ApplicantFactory(
        given_name="Kari",
        norwegian_proficiency=NorwegianProficiency.C1,
        prior_hospital_months=6,
        prior_municipal_months=0,
    )


@pytest.fixture
def employer_with_position(employer_user, trust):  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    f.SiteFactory(parent=trust, name="Voss sjukehus")  # a checkbox with its own <label>
    position = f.PositionFactory(round=round_, employer=trust, status=PositionStatus.DRAFT)
    return employer_user, position


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_of_the_profile_and_position_form_starts_with_a_capital(
    language: str, profiled_applicant, employer_with_position
) -> None:  # type: ignore[no-untyped-def]
    applicant_client = _client(profiled_applicant.user, language)
    employer_user, position = employer_with_position
    employer_client = _client(employer_user, language)
    pages = {
        "profile": _text(applicant_client.get(reverse("applicants:profile"))),
        "profile_edit": _text(applicant_client.get(reverse("applicants:profile_edit"))),
        "position_create": _text(employer_client.get(reverse("employers:position_create"))),
        "position_edit": _text(
            employer_client.get(reverse("employers:position_edit", args=[position.pk]))
        ),
    }
    lower = []
    for page, body in pages.items():
        labels = _labels(body)
        assert len(labels) > 5, page
        lower += [(page, tag, text) for tag, text in labels if not text[:1].isupper()]
    assert lower == []


@pytest.mark.parametrize(
    ("language", "profile_label", "form_label"),
    [
        ("nb", "Norskkunnskaper", "Lenke til videre ALIS-løp"),
        ("nn", "Norskkunnskapar", "Lenke til vidare ALIS-løp"),
        ("en", "Norwegian language proficiency", "Link to later ALIS training"),
    ],
)
def test_labels_from_model_fields_are_capitalised(
    language: str, profile_label: str, form_label: str, profiled_applicant, employer_with_position
) -> None:  # type: ignore[no-untyped-def]
    profile = _labels(
        _text(_client(profiled_applicant.user, language).get(reverse("applicants:profile")))
    )
    assert ("dt", profile_label) in profile
    employer_user, _position = employer_with_position
    form = _labels(
        _text(_client(employer_user, language).get(reverse("employers:position_create")))
    )
    assert any(tag == "label" and text.startswith(form_label) for tag, text in form)


# 2. Dates as each language writes them ----------------------------------------------------

MONTHS = {
    "nb": "januar februar mars april mai juni juli august september oktober november desember",
    "nn": "januar februar mars april mai juni juli august september oktober november desember",
    "en": "January February March April May June July August September October November December",
}

#: Noon in Oslo on 2 December 2026 (winter time: UTC+1).
NOON = dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 2)

EXPECTED = {
    "nb": {
        "DATE_FORMAT": "2. desember 2026",
        "DATETIME_FORMAT": "2. desember 2026 kl. 12.00",
        "SHORT_DATE_FORMAT": "2. des. 2026",
        "SHORT_DATETIME_FORMAT": "2. des. 2026 kl. 12.00",
    },
    "nn": {
        "DATE_FORMAT": "2. desember 2026",
        "DATETIME_FORMAT": "2. desember 2026 kl. 12.00",
        "SHORT_DATE_FORMAT": "2. des. 2026",
        "SHORT_DATETIME_FORMAT": "2. des. 2026 kl. 12.00",
    },
    "en": {
        "DATE_FORMAT": "2 December 2026",
        "DATETIME_FORMAT": "2 December 2026, 12:00",
        "SHORT_DATE_FORMAT": "2 Dec 2026",
        "SHORT_DATETIME_FORMAT": "2 Dec 2026, 12:00",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_named_date_formats_in_each_language(language: str) -> None:
    template = Template(
        '{{ day|date:"DATE_FORMAT" }}|{{ noon|date:"DATETIME_FORMAT" }}|'
        '{{ day|date:"SHORT_DATE_FORMAT" }}|{{ noon|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"day": DAY, "noon": NOON})).split("|")
        expected = EXPECTED[language]
        assert rendered == [
            expected["DATE_FORMAT"],
            expected["DATETIME_FORMAT"],
            expected["SHORT_DATE_FORMAT"],
            expected["SHORT_DATETIME_FORMAT"],
        ]
        # The messages built in Python say dates the same way, in Oslo time.
        assert when(DAY) == expected["DATE_FORMAT"]
        assert when(NOON) == expected["DATETIME_FORMAT"]
        assert _when(NOON) == expected["DATETIME_FORMAT"]


def test_norwegian_months_stay_lower_case_in_short_dates() -> None:
    with translation.override("nb"):
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"d": dt.date(2026, 5, 17)})
        )
    assert rendered == "17. mai 2026"


def _long(moment: dt.datetime, language: str) -> str:
    """The expected DATETIME_FORMAT, spelled out independently of Django's formats."""
    local = moment.astimezone(OSLO)
    month = MONTHS[language].split()[local.month - 1]
    if language == "en":
        return f"{local.day} {month} {local.year}, {local:%H:%M}"
    return f"{local.day}. {month} {local.year} kl. {local:%H.%M}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_applicants_timeline_shows_dates_as_the_language_writes_them(language: str) -> None:
    applicant = f.ApplicantFactory()
    round_ = f.OpenRoundFactory()
    body = _text(_client(applicant.user, language).get(reverse("applicants:dashboard")))
    assert _long(round_.applications_close, language) in body
    start = round_.start_date
    month = MONTHS[language].split()[start.month - 1]
    day = (
        f"{start.day} {month} {start.year}"
        if language == "en"
        else f"{start.day}. {month} {start.year}"
    )
    assert f'<span class="timeline__when">{day}</span>' in body
    # No capitalised Norwegian month ("Des") and no explicit "H:i" clock in Norwegian.
    if language != "en":
        assert not re.search(r"\d\. [A-ZÆØÅ][a-zæøå]{2} \d{4}", body)


def test_the_directorate_round_page_shows_norwegian_dates(directorate_user) -> None:  # type: ignore[no-untyped-def]
    round_ = f.OpenRoundFactory()
    body = _text(
        _client(directorate_user, "nb").get(reverse("directorate:round", args=[round_.slug]))
    )
    assert _long(round_.applications_close, "nb") in body
    assert _long(round_.ranking_deadline, "nb") in body


# 3. The noun "Endring" is not the verb "Endre" ----------------------------------------------


@pytest.mark.parametrize(("language", "noun"), [("nb", "Type endring"), ("nn", "Type endring")])
def test_the_audit_filter_says_endring(language: str, noun: str, directorate_user) -> None:  # type: ignore[no-untyped-def]
    body = _text(_client(directorate_user, language).get(reverse("directorate:audit")))
    labels = [text for tag, text in _labels(body) if tag == "label"]
    assert any(text.startswith(noun) for text in labels)
    assert not any(text.startswith("Endre") for text in labels)


@pytest.mark.parametrize(
    ("language", "column", "verb"),
    [
        ("nb", "Endring fra året før", "Endre"),
        ("nn", "Endring frå året før", "Endre"),
        ("en", "Year-on-year change", "Change"),
    ],
)
def test_the_report_headline_change_column_is_a_noun(language: str, column: str, verb: str) -> None:
    from lis1.reports.build import headline_table
    from lis1.reports.render.text import label
    from lis1.reports.rows import HeadlineCounts

    counts = HeadlineCounts(**dict.fromkeys(HeadlineCounts.__dataclass_fields__, 0))
    table = headline_table(counts, counts, "Vår 2025")
    with translation.override(language):
        assert label(table.columns[-1].label) == column
        assert label("Change") == verb  # the buttons keep their verb


# 4. Counts agree with their number ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Publishing shows 1 offer of", "Publishing shows 2 offers of"),
        ("nb", "Publiseringen gjør 1 tilbud", "Publiseringen gjør 2 tilbud"),
        ("nn", "Publiseringa gjer 1 tilbod", "Publiseringa gjer 2 tilbod"),
    ],
)
def test_the_publish_page_counts_offers_in_the_singular_and_plural(
    language: str, one: str, two: str, directorate_user
) -> None:  # type: ignore[no-untyped-def]
    run = f.matched_placement(f.ApplicantFactory(), publish=False).match_run
    client = _client(directorate_user, language)
    url = reverse("directorate:match_run_publish", args=[run.pk])
    run.statistics = {**(run.statistics or {}), "matched": 1}
    run.save(update_fields=["statistics"])
    assert one in " ".join(_text(client.get(url)).split())
    run.statistics = {**run.statistics, "matched": 2}
    run.save(update_fields=["statistics"])
    assert two in " ".join(_text(client.get(url)).split())


@pytest.mark.parametrize(
    ("language", "one_pair", "one_hour", "three_hours"),
    [
        ("en", "finds 1 blocking pair in", "longer than 1 hour and", "longer than 3 hours and"),
        ("nb", "1 blokkerende par", "lenger enn 1 time og", "lenger enn 3 timer og"),
        ("nn", "1 blokkerande par", "lenger enn 1 time og", "lenger enn 3 timar og"),
    ],
)
def test_messages_with_a_number_use_its_plural_form(
    language: str, one_pair: str, one_hour: str, three_hours: str
) -> None:
    with translation.override(language):
        assert one_pair in problem_message({"code": "blocking_pairs", "count": 1})
        assert one_hour in _hours_message(3600)
        assert three_hours in _hours_message(3 * 3600)  # a whole number: "3", not "3.0"
    with translation.override("en"):
        assert "finds 3 blocking pairs in" in problem_message(
            {"code": "blocking_pairs", "count": 3}
        )
        assert "longer than 1.5 hours" in _hours_message(5400)


# 5. One masked identity number --------------------------------------------------------------


def test_dashboard_and_profile_mask_the_identity_number_alike() -> None:
    applicant = f.ApplicantFactory()
    client = _client(applicant.user, "nb")
    masked = applicant.national_id_masked(show_birth_date=True)
    assert re.fullmatch(r"\d{6}\*{5}", masked)
    for url in (reverse("applicants:dashboard"), reverse("applicants:profile")):
        body = _text(client.get(url))
        assert f"<dd>{masked}</dd>" in body
        assert "***********" not in body
        assert applicant.national_id not in body


# 6. No dangling separator -------------------------------------------------------------------


def test_ranking_list_has_no_trailing_separator_for_a_hospital_only_position(
    employer_user, trust
) -> None:  # type: ignore[no-untyped-def]
    round_ = f.OpenRoundFactory()
    site = f.SiteFactory(parent=trust, name="Voss sjukehus")
    hospital_only = f.PositionFactory(
        round=round_,
        employer=trust,
        kind=PositionKind.HOSPITAL_ONLY,
        municipality=None,
        title="LIS1 Voss",
    )
    hospital_only.sites.add(site)
    municipal_only = f.PositionFactory(
        round=round_,
        employer=trust,
        kind=PositionKind.MUNICIPALITY_ONLY,
        rotation="",
        municipality=f.MunicipalityFactory(name="Ulvik"),
        title="LIS1 Ulvik",
    )
    # Each part-only position is open to those who have done the other part.
    needs_hospital = f.ApplicantFactory(prior_municipal_months=MUNICIPAL_MONTHS)
    needs_municipality = f.ApplicantFactory(prior_hospital_months=HOSPITAL_MONTHS)
    for applicant, position, expected in (
        (needs_hospital, hospital_only, f"<small>{trust.name} · Voss sjukehus</small>"),
        (needs_municipality, municipal_only, f"<small>{trust.name} · Ulvik</small>"),
    ):
        client = _client(applicant.user, "nn")
        applied = client.post(reverse("applicants:apply", args=[position.pk]), {"motivation": ""})
        assert applied.status_code == 302, _text(applied)[-3000:]
        body = " ".join(_text(client.get(reverse("applicants:ranking"))).split())
        assert expected in body
        assert not re.search(r"·\s*(<|$)", body)
        assert "– ·" not in body
