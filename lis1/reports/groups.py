"""How the report groups people: country groups, age groups, years, earlier rounds, choices.

Pure Python (the builder imports it). The EU/EEA list is lis1.rounds.countries';
Norway is its own group, so "EU/EEA" below means the other EU/EEA countries.
"""

from __future__ import annotations

import datetime as dt

from lis1.rounds.countries import EEA_COUNTRIES, NORWAY


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (the renderers translate)."""
    return message


GROUP_NORWAY = gettext_noop("Norway")
GROUP_EEA = gettext_noop("EU/EEA (other than Norway)")
GROUP_OUTSIDE = gettext_noop("Outside the EU/EEA")
GROUP_UNKNOWN = gettext_noop("Not stated")
COUNTRY_GROUPS = (GROUP_NORWAY, GROUP_EEA, GROUP_OUTSIDE, GROUP_UNKNOWN)


def country_group(code: str | None) -> str:
    """Norway, the other EU/EEA countries, outside the EU/EEA, or not stated."""
    code = (code or "").upper()
    if not code:
        return GROUP_UNKNOWN
    if code == NORWAY:
        return GROUP_NORWAY
    if code in EEA_COUNTRIES:
        return GROUP_EEA
    return GROUP_OUTSIDE


# Names of the countries doctors in LIS1 come from most often; others show their ISO code.
COUNTRY_NAMES = {
    "NO": gettext_noop("Norway"), "SE": gettext_noop("Sweden"), "DK": gettext_noop("Denmark"),
    "FI": gettext_noop("Finland"), "IS": gettext_noop("Iceland"), "DE": gettext_noop("Germany"),
    "PL": gettext_noop("Poland"), "HU": gettext_noop("Hungary"),
    "CZ": gettext_noop("Czechia"), "SK": gettext_noop("Slovakia"),
    "LT": gettext_noop("Lithuania"), "LV": gettext_noop("Latvia"), "EE": gettext_noop("Estonia"),
    "RO": gettext_noop("Romania"), "BG": gettext_noop("Bulgaria"),
    "NL": gettext_noop("Netherlands"), "IE": gettext_noop("Ireland"), "IT": gettext_noop("Italy"),
    "ES": gettext_noop("Spain"), "FR": gettext_noop("France"), "AT": gettext_noop("Austria"),
    "GB": gettext_noop("United Kingdom"),
    "RS": gettext_noop("Serbia"), "BA": gettext_noop("Bosnia and Herzegovina"),
    "UA": gettext_noop("Ukraine"), "RU": gettext_noop("Russia"), "IR": gettext_noop("Iran"),
    "IQ": gettext_noop("Iraq"), "SY": gettext_noop("Syria"), "PK": gettext_noop("Pakistan"),
    "PH": gettext_noop("Philippines"), "SO": gettext_noop("Somalia"), "VN": gettext_noop("Vietnam"),
    "US": gettext_noop("United States"), "AU": gettext_noop("Australia"),
}  # fmt: skip


def country_label(code: str | None) -> str:
    code = (code or "").upper()
    if not code:
        return GROUP_UNKNOWN
    return COUNTRY_NAMES.get(code, code)


# Age on the round's start date.
AGE_GROUPS = (
    (None, 26, gettext_noop("Under 27")),
    (27, 29, "27–29"),
    (30, 34, "30–34"),
    (35, 39, "35–39"),
    (40, None, gettext_noop("40 and over")),
)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_group(born: dt.date | None, day: dt.date) -> str:
    if born is None:
        return GROUP_UNKNOWN
    age = age_on(born, day)
    for low, high, label in AGE_GROUPS:
        if (low is None or age >= low) and (high is None or age <= high):
            return label
    raise AssertionError("the age groups cover every age")  # pragma: no cover


AGE_GROUP_ORDER = (*(label for _, _, label in AGE_GROUPS), GROUP_UNKNOWN)

# Years of graduation: the last few one by one, older ones together.
GRADUATION_YEARS_SHOWN = 6


def graduation_group(year: int | None, round_year: int) -> str:
    if year is None:
        return GROUP_UNKNOWN
    oldest_shown = round_year - GRADUATION_YEARS_SHOWN + 1
    if year < oldest_shown:
        return f"≤ {oldest_shown - 1}"
    return str(year)


def graduation_order(round_year: int) -> list[str]:
    oldest_shown = round_year - GRADUATION_YEARS_SHOWN + 1
    return [
        f"≤ {oldest_shown - 1}",
        *(str(y) for y in range(oldest_shown, round_year + 1)),
        GROUP_UNKNOWN,
    ]


EARLIER_ROUNDS_CAP = 5


def earlier_rounds_group(count: int) -> str:
    return f"{EARLIER_ROUNDS_CAP}+" if count >= EARLIER_ROUNDS_CAP else str(count)


EARLIER_ROUNDS_ORDER = (*(str(n) for n in range(EARLIER_ROUNDS_CAP)), f"{EARLIER_ROUNDS_CAP}+")

GENDER_LABELS = {
    "female": gettext_noop("Female"),
    "male": gettext_noop("Male"),
    "other": gettext_noop("Other"),
    "unspecified": gettext_noop("Not stated"),
}
GENDER_ORDER = ("female", "male", "other", "unspecified")


def choice_group(choice: int | None) -> str:
    if choice is None:
        return GROUP_UNKNOWN
    if choice <= 5:
        return str(choice)
    if choice <= 10:
        return "6–10"
    return gettext_noop("11 or later")


CHOICE_ORDER = ("1", "2", "3", "4", "5", "6–10", "11 or later", GROUP_UNKNOWN)
