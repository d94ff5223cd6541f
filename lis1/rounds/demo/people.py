"""Demo applicants, planned in plain Python: names, identity numbers and eligibility.

Assumptions (DOMAIN.md publishes only a few shares, the rest is a plausible guess):
- About 76 % are Norwegian nationals. Of them 34 % studied in Norway, 61 % in another EEA
  country (Poland, Hungary, Czechia, Slovakia, Denmark, …) and 5 % outside the EEA (mostly
  the UK). Of the foreign nationals 7 % studied in Norway, the rest mostly in their own
  country (Sweden, Germany, Poland, Ukraine, Iran, Syria, …), a few non-EEA nationals in
  Hungary or Poland. That gives about 28 % educated in Norway, 53 % in the EEA and 19 %
  outside (`MIX`). The two national shares are calibrated, with the acceptance model
  (lis1.rounds.demo.answers), against the published spring-2018 round: of the 824 left
  without a position, 69 % were Norwegian nationals and 17 % educated in Norway
  (tests/reports/test_calibration.py; over the seeds 1–7 and 2018 the demo leaves 67–72 %
  Norwegian nationals and 15–19 % educated in Norway without a position, and hires 35 %).
- Ages 25–40 at the start date, mostly 26–31; about 60 % women (self-declared).
- Degree mostly in the round's year or the one or two before; repeat applicants (up to six
  earlier rounds, more often for those educated abroad) graduated earlier.
- Authorisation for most, licence for some, "applied" for some educated abroad; an HPR
  number for everyone with authorisation or licence.
- Norwegian native for Norwegian nationals; C1 or B2 for most others (Swedes and Danes
  mostly C1), a few below B2.
- About 5 % have done part of LIS1 before and need only the hospital or only the municipal
  part. About 10 % of foreign nationals have a D-number instead of a fødselsnummer.
- Home region (for the home-region preference) follows the population: about 55 % Helse
  Sør-Øst, 20 % Vest, 14 % Midt-Norge, 11 % Nord.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from lis1.rounds import eligibility
from lis1.rounds.countries import EEA_COUNTRIES, NORWAY
from lis1.rounds.demo import names as N
from lis1.rounds.enums import AuthorisationStatus, Gender, NorwegianProficiency, PositionKind

APPLICANT_EMAIL_DOMAIN = "applicant.demo.lis1.no"

EDU_NORWAY, EDU_EEA, EDU_OTHER = "norway", "eea", "other"

T = TypeVar("T")

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def weighted(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    values = [v for v, _ in table]
    return rng.choices(values, weights=[w for _, w in table])[0]


def identity_number(birth: dt.date, individual: int, *, d_number: bool = False) -> str | None:
    """A fødselsnummer (or D-number: first digit + 4) with both mod-11 check digits, or None
    when this individual number gives a check digit of 10 (such numbers are never issued)."""
    day = birth.day + (40 if d_number else 0)
    digits = f"{day:02d}{birth.month:02d}{birth.year % 100:02d}{individual:03d}"
    k1 = (11 - sum(int(c) * w for c, w in zip(digits, _W1, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    digits += str(k1)
    k2 = (11 - sum(int(c) * w for c, w in zip(digits, _W2, strict=True)) % 11) % 11
    if k2 == 10:
        return None
    return digits + str(k2)


def draw_identity_number(
    rng: random.Random, birth: dt.date, *, d_number: bool, taken: set[str]
) -> str:
    # Individual numbers 000–499 are for births 1900–1999, 500–999 for 2000–2039.
    low, high = (0, 499) if birth.year < 2000 else (500, 999)
    while True:
        number = identity_number(birth, rng.randint(low, high), d_number=d_number)
        if number is not None and number not in taken:
            taken.add(number)
            return number


_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "đ": "d"})


def ascii_slug(text: str) -> str:
    text = text.lower().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass
class ApplicantPlan:
    index: int
    email: str
    given_name: str
    family_name: str
    gender: str
    national_id: str
    d_number: bool
    nationality: str
    education_country: str
    education_group: str
    education_year: int
    authorisation: str
    hpr_number: str
    proficiency: str
    prior_hospital_months: int
    prior_municipal_months: int
    earlier_rounds: int
    home_region: str
    score: float
    wanted_applications: int

    @property
    def need(self) -> str:
        """ "full", "hospital" (only the hospital part missing) or "municipality"."""
        needed = eligibility.part_needed(
            prior_hospital_months=self.prior_hospital_months,
            prior_municipal_months=self.prior_municipal_months,
        )
        if needed == PositionKind.MUNICIPALITY_ONLY:
            return "municipality"
        if needed == PositionKind.HOSPITAL_ONLY:
            return "hospital"
        return "full"


@dataclass(frozen=True)
class Mix:
    """The declared shares behind who applies (see the module docstring for the sources)."""

    norwegian_nationals: float
    nationals_educated_in_norway: float
    nationals_educated_outside_eea: float
    foreigners_educated_in_norway: float


MIX = Mix(
    norwegian_nationals=0.76,
    nationals_educated_in_norway=0.34,
    nationals_educated_outside_eea=0.05,
    foreigners_educated_in_norway=0.07,
)

AGES = ((25, 4), (26, 12), (27, 18), (28, 17), (29, 14), (30, 10), (31, 8), (32, 5), (33, 3),
        (34, 2), (35, 2), (36, 1.5), (37, 1.2), (38, 1), (39, 0.8), (40, 0.5))  # fmt: skip
EARLIER_ROUNDS = {
    EDU_NORWAY: ((0, 65), (1, 25), (2, 10)),
    EDU_EEA: ((0, 35), (1, 22), (2, 16), (3, 12), (4, 8), (5, 4), (6, 3)),
    EDU_OTHER: ((0, 25), (1, 20), (2, 17), (3, 14), (4, 11), (5, 7), (6, 6)),
}
HOME_REGIONS_NORWEGIAN = (("sor-ost", 55), ("vest", 20), ("midt", 14), ("nord", 11))
HOME_REGIONS_FOREIGN = (("sor-ost", 62), ("vest", 18), ("midt", 12), ("nord", 8))
GENDERS = ((Gender.FEMALE, 60), (Gender.MALE, 38), (Gender.UNSPECIFIED, 1.5), (Gender.OTHER, 0.5))
EDU_SCORE = {EDU_NORWAY: 1.2, EDU_EEA: 0.5, EDU_OTHER: 0.0}
LANGUAGE_SCORE: dict[str, float] = {
    NorwegianProficiency.NATIVE: 0.5,
    NorwegianProficiency.C1: 0.35,
    NorwegianProficiency.B2: 0.1,
    NorwegianProficiency.BELOW_B2: -0.6,
}
AUTHORISATION_SCORE: dict[str, float] = {
    AuthorisationStatus.AUTHORISED: 0.2,
    AuthorisationStatus.LICENCE: 0.1,
    AuthorisationStatus.APPLIED: -0.2,
}


def _education_group(country: str) -> str:
    if country == NORWAY:
        return EDU_NORWAY
    return EDU_EEA if country in EEA_COUNTRIES else EDU_OTHER


def latent_score(
    rng: random.Random, *, group: str, proficiency: str, authorisation: str, earlier: int
) -> float:
    """How well hiring committees rate the applicant before the interview (Norway > EEA >
    outside EEA, as the published hired shares show), with individual noise."""
    return (
        EDU_SCORE[group]
        + LANGUAGE_SCORE[proficiency]
        + AUTHORISATION_SCORE[authorisation]
        + 0.05 * min(earlier, 4)
        + rng.gauss(0, 0.6)
    )


@dataclass(frozen=True)
class Profile:
    """A fixed profile for a demo log-in (identity number still drawn from the RNG)."""

    email: str
    given_name: str
    family_name: str
    gender: str
    nationality: str
    education_country: str
    earlier_rounds: int
    home_region: str
    wanted_applications: int


def plan_applicants(
    *,
    rng: random.Random,
    count: int,
    start: dt.date,
    round_year: int,
    fixed: Sequence[Profile],
    taken_ids: set[str] | None = None,
    taken_hpr: set[str] | None = None,
    first_number: int = 0,
) -> list[ApplicantPlan]:
    """`count` applicants: the fixed demo profiles first, then generated ones. Identity and
    HPR numbers already in `taken_ids` / `taken_hpr` (people of other demo rounds) are not
    drawn again, and generated e-mail addresses are numbered from `first_number`."""
    taken_ids = set() if taken_ids is None else taken_ids
    taken_hpr = set() if taken_hpr is None else taken_hpr
    plans = []
    for index in range(count):
        profile = fixed[index] if index < len(fixed) else None
        if profile is not None:
            nationality = profile.nationality
            education_country = profile.education_country
            gender = profile.gender
        else:
            if rng.random() < MIX.norwegian_nationals:
                nationality = "NO"
                draw = rng.random()
                if draw < MIX.nationals_educated_in_norway:
                    education_country = "NO"
                elif draw < 1 - MIX.nationals_educated_outside_eea:
                    education_country = weighted(rng, N.NORWEGIAN_ABROAD_EEA)
                else:
                    education_country = weighted(rng, N.NORWEGIAN_ABROAD_OTHER)
            else:
                nationality = weighted(rng, N.FOREIGN_NATIONALITIES)
                draw = rng.random()
                if draw < MIX.foreigners_educated_in_norway:
                    education_country = "NO"
                elif nationality not in EEA_COUNTRIES and draw < 0.13:
                    education_country = weighted(rng, N.FOREIGN_EEA_STUDY)
                else:
                    education_country = nationality
            gender = weighted(rng, GENDERS)
        group = _education_group(education_country)

        if profile is not None:
            given, family = profile.given_name, profile.family_name
        else:
            name_set = nationality
            if nationality == "NO" and rng.random() < 0.12:
                name_set = rng.choice(N.HERITAGE_NAME_SETS)
            female, male, families = N.NAMES[name_set]
            if gender == Gender.FEMALE or (gender != Gender.MALE and rng.random() < 0.5):
                given = rng.choice(female)
            else:
                given = rng.choice(male)
            family = rng.choice(families)

        earlier = (
            profile.earlier_rounds if profile is not None else weighted(rng, EARLIER_ROUNDS[group])
        )
        education_year = round_year - weighted(rng, ((0, 60), (1, 30), (2, 10))) - earlier // 2
        if rng.random() < 0.1:
            education_year -= rng.randint(1, 3)
        age = weighted(rng, AGES) + (1 if group != EDU_NORWAY and rng.random() < 0.4 else 0)
        # Nobody finishes medicine much before 24.
        age = max(25, min(40, max(age, 24 + round_year - education_year)))
        # `age` years old on the start date (start is 1 March or 1 September: no 29 February).
        birth = start.replace(year=start.year - age) - dt.timedelta(days=1 + rng.randrange(365))
        d_number = nationality != "NO" and profile is None and rng.random() < 0.10
        national_id = draw_identity_number(rng, birth, d_number=d_number, taken=taken_ids)

        if nationality == "NO":
            proficiency = NorwegianProficiency.NATIVE
        elif nationality in ("SE", "DK"):
            proficiency = weighted(
                rng, ((NorwegianProficiency.C1, 80), (NorwegianProficiency.B2, 20))
            )
        else:
            proficiency = weighted(
                rng,
                (
                    (NorwegianProficiency.C1, 45),
                    (NorwegianProficiency.B2, 48),
                    (NorwegianProficiency.BELOW_B2, 7),
                ),
            )
        if profile is not None:
            authorisation = AuthorisationStatus.AUTHORISED
        elif group == EDU_NORWAY:
            authorisation = weighted(
                rng, ((AuthorisationStatus.AUTHORISED, 85), (AuthorisationStatus.LICENCE, 15))
            )
        else:
            authorisation = weighted(
                rng,
                (
                    (AuthorisationStatus.AUTHORISED, 75),
                    (AuthorisationStatus.LICENCE, 12),
                    (AuthorisationStatus.APPLIED, 13),
                ),
            )
        hpr = ""
        if authorisation in (AuthorisationStatus.AUTHORISED, AuthorisationStatus.LICENCE):
            while not hpr or hpr in taken_hpr:
                hpr = str(rng.randint(1_000_000, 9_999_999))
            taken_hpr.add(hpr)

        prior_hospital = prior_municipal = 0
        if profile is None and rng.random() < 0.05:
            if rng.random() < 0.55:
                prior_hospital = eligibility.HOSPITAL_MONTHS
            else:
                prior_municipal = eligibility.MUNICIPAL_MONTHS
        if profile is not None:
            home = profile.home_region
        else:
            home = weighted(
                rng, HOME_REGIONS_NORWEGIAN if nationality == "NO" else HOME_REGIONS_FOREIGN
            )
        wanted = (
            profile.wanted_applications
            if profile is not None
            else max(8, min(30, round(rng.gauss(17, 5))))
        )
        score = latent_score(
            rng, group=group, proficiency=proficiency, authorisation=authorisation, earlier=earlier
        )
        email = (
            profile.email
            if profile is not None
            else f"{ascii_slug(given)}.{ascii_slug(family)}.{first_number + index:05d}"
            f"@{APPLICANT_EMAIL_DOMAIN}"
        )
        plans.append(
            ApplicantPlan(
                index=index,
                email=email,
                given_name=given,
                family_name=family,
                gender=gender,
                national_id=national_id,
                d_number=d_number,
                nationality=nationality,
                education_country=education_country,
                education_group=group,
                education_year=education_year,
                authorisation=authorisation,
                hpr_number=hpr,
                proficiency=proficiency,
                prior_hospital_months=prior_hospital,
                prior_municipal_months=prior_municipal,
                earlier_rounds=earlier,
                home_region=home,
                score=score,
                wanted_applications=wanted,
            )
        )
    return plans
