"""Advertisements of the demo round, planned in plain Python from the reference data.

Advertisements are spread over the employers in proportion to their `lis1_positions_per_start`
(every employer gets one first when there are enough), seats likewise, each advertisement at
least one seat. Sykehuset Innlandet and Helse Førde always come first, because the demo
employer log-ins work there. An employer's first advertisement is always a full 18-month
position with an area, so the demo municipality log-in has something to see.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from lis1.rounds.enums import PositionKind, Rotation

DEMO_EMPLOYER_CODE = "sykehuset-innlandet"
DEMO_EMPLOYER2_CODE = "helse-forde"

# How strongly applicants are drawn to an employer (big-city university hospitals first).
POPULARITY = {
    "ous": 2.3, "ahus": 1.5, "helse-bergen": 1.9, "st-olavs": 1.7, "helse-stavanger": 1.4,
    "diakonhjemmet": 1.7, "lovisenberg": 1.7, "haraldsplass": 1.4, "vestre-viken": 1.3,
    "unn": 1.15, "siv": 1.1, "sykehuset-ostfold": 1.0, "sshf": 1.0, "sthf": 0.9,
    "sykehuset-innlandet": 0.9, "helse-more-og-romsdal": 0.85, "hnt": 0.8, "helse-fonna": 0.8,
    "nordlandssykehuset": 0.75, "helse-forde": 0.7, "helgelandssykehuset": 0.6,
    "finnmarkssykehuset": 0.55,
}  # fmt: skip

# Short codes for advertisement references (SI-2027V-01).
REFERENCE_PREFIX = {
    "sykehuset-ostfold": "SØ", "ahus": "AHUS", "ous": "OUS", "vestre-viken": "VV", "siv": "SIV",
    "sthf": "STHF", "sshf": "SSHF", "sykehuset-innlandet": "SI", "diakonhjemmet": "DS",
    "lovisenberg": "LDS", "helse-stavanger": "SUS", "helse-fonna": "HFO", "helse-bergen": "HB",
    "helse-forde": "HF", "haraldsplass": "HDS", "helse-more-og-romsdal": "HMR",
    "st-olavs": "STO", "hnt": "HNT", "nordlandssykehuset": "NLSH",
    "helgelandssykehuset": "HSYK", "unn": "UNN", "finnmarkssykehuset": "FIN",
}  # fmt: skip

AREA_SIZE = 6


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    county: str

    @property
    def short_name(self) -> str:
        """ "Hammerfest" for "Hammerfest - Hámmerfeasta", "Herøy" for "Herøy (Nordland)"."""
        return self.name.split(" - ")[0].split(" (")[0]


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    municipality_number: str


@dataclass(frozen=True)
class Employer:
    code: str
    name: str
    region: str
    weight: int
    counties: tuple[str, ...]
    sites: tuple[Site, ...]

    @property
    def popularity(self) -> float:
        return POPULARITY.get(self.code, 1.0)


@dataclass(frozen=True)
class AreaPlan:
    """An employer's area around one hospital site, reused by every advertisement there."""

    employer: str
    name: str
    municipality_numbers: tuple[str, ...]


@dataclass
class AdPlan:
    index: int
    employer: Employer
    reference: str
    kind: str
    rotation: str
    sites: tuple[Site, ...]
    municipality_number: str | None
    area: AreaPlan | None
    weight: float
    title: str = ""
    description: str = ""
    seats: int = 1


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into len(weights) integers ≥ 1 in proportion to the weights (largest
    remainder; ties go to the earlier entry)."""
    count = len(weights)
    if total < count:
        raise ValueError(f"Cannot give {count} entries at least one each out of {total}.")
    shares = [1] * count
    rest = total - count
    weight_sum = sum(weights)
    quotas = [rest * w / weight_sum for w in weights]
    for i, quota in enumerate(quotas):
        shares[i] += int(quota)
    leftover = total - sum(shares)
    order = sorted(range(count), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in order[:leftover]:
        shares[i] += 1
    return shares


def ads_per_employer(employers: Sequence[Employer], positions: int) -> dict[str, int]:
    """How many advertisements each employer posts (employers with none are left out)."""
    first = [e for e in employers if e.code in (DEMO_EMPLOYER_CODE, DEMO_EMPLOYER2_CODE)]
    first.sort(key=lambda e: e.code != DEMO_EMPLOYER_CODE)
    others = sorted((e for e in employers if e not in first), key=lambda e: (-e.weight, e.code))
    ordered = first + others
    chosen = ordered[: min(positions, len(ordered))]
    counts = apportion(positions, [e.weight for e in chosen])
    return {e.code: n for e, n in zip(chosen, counts, strict=True)}


def _area_for(
    employer: Employer,
    site: Site,
    municipalities: dict[str, Municipality],
    other_hospital_towns: set[str],
) -> AreaPlan | None:
    """The site's municipality and its neighbours by number in the same county (numbers run
    roughly geographically within a county), leaving out towns with another employer's
    hospital; None when there is no neighbour. An approximation: the reference data has no
    real partner lists or coordinates."""
    home = municipalities[site.municipality_number]
    county = sorted(
        n
        for n, m in municipalities.items()
        if m.county == home.county and (n == home.number or n not in other_hospital_towns)
    )
    if len(county) < 2:
        return None
    at = county.index(home.number)
    picked = [home.number]
    step = 1
    while len(picked) < min(AREA_SIZE, len(county)):
        for candidate in (at + step, at - step):
            if 0 <= candidate < len(county) and len(picked) < AREA_SIZE:
                picked.append(county[candidate])
        step += 1
    return AreaPlan(
        employer=employer.code,
        name=f"{home.short_name}-regionen",
        municipality_numbers=tuple(sorted(picked)),
    )


def _site_text(ad: AdPlan) -> str:
    if len(ad.sites) == 2:
        return f"{ad.sites[0].name} (9 måneder) og {ad.sites[1].name} (3 måneder)"
    return ad.sites[0].name


def _municipal_text(ad: AdPlan, municipalities: dict[str, Municipality]) -> str:
    if ad.area is not None:
        return f"kommuner i {ad.area.name}"
    assert ad.municipality_number is not None
    return f"{municipalities[ad.municipality_number].short_name} kommune"


ROTATION_TEXT = {
    Rotation.TWO_PART: "todelt tjeneste: 6 måneder indremedisin og 6 måneder kirurgi/ortopedi",
    Rotation.THREE_PART: (
        "tredelt tjeneste: 4 måneder indremedisin, 4 måneder kirurgi/ortopedi og "
        "4 måneder psykiatri"
    ),
}

CLOSING_TEXTS = (
    "Vi tilbyr tett veiledning, strukturert internundervisning og et inkluderende fagmiljø.",
    "Du får en fast veileder, simuleringstrening og gode muligheter for faglig utvikling.",
    "Avdelingene har lang erfaring med LIS1 og legger vekt på trygg opplæring i vaktarbeid.",
    "Kommunene tilbyr variert allmennpraksis, legevakt og tett oppfølging fra erfarne fastleger.",
)


def _describe(
    ad: AdPlan, start: dt.date, municipalities: dict[str, Municipality], rng: random.Random
) -> None:
    start_text = start.strftime("%d.%m.%Y")
    plural = "stilling" if ad.seats == 1 else "stillinger"
    employer = ad.employer.name
    parts: list[str]
    if ad.kind == PositionKind.MUNICIPALITY_ONLY:
        place = _municipal_text(ad, municipalities)
        ad.title = f"LIS1 kommunedel (6 måneder) i {place}"
        parts = [
            f"{employer} og {place} lyser ut {ad.seats} {plural} for leger som har fullført "
            f"sykehusdelen av LIS1, med oppstart {start_text}.",
            "Tjenesten er 6 måneder i kommunehelsetjenesten med fastlegepraksis og legevakt.",
        ]
    elif ad.kind == PositionKind.HOSPITAL_ONLY:
        ad.title = f"LIS1 sykehusdel (12 måneder) ved {_site_text(ad)}"
        parts = [
            f"{employer} lyser ut {ad.seats} {plural} for leger som har fullført kommunedelen "
            f"av LIS1, med oppstart {start_text}.",
            f"Tjenesten er 12 måneder ved {_site_text(ad)}, "
            f"{ROTATION_TEXT[Rotation(ad.rotation)]}.",
        ]
    else:
        place = _municipal_text(ad, municipalities)
        ad.title = f"LIS1 ved {_site_text(ad)} og {place}"
        parts = [
            f"{employer} lyser ut {ad.seats} {plural} som lege i spesialisering del 1 (LIS1) "
            f"med oppstart {start_text}.",
            f"De første 12 månedene er ved {_site_text(ad)}, "
            f"{ROTATION_TEXT[Rotation(ad.rotation)]}.",
            f"De siste 6 månedene er i {place}, med fastlegepraksis og legevakt.",
        ]
        if ad.area is not None:
            names = [municipalities[n].short_name for n in ad.area.municipality_numbers]
            parts.append(
                "Området består av " + ", ".join(names[:-1]) + f" og {names[-1]}; "
                "kommunen fordeles etter ansettelse ved trekning etter søkernes prioritering."
            )
    parts.append(rng.choice(CLOSING_TEXTS))
    parts.append(
        "Søkere må ha autorisasjon eller lisens som lege og norskkunnskaper minst på nivå B2."
    )
    ad.title = ad.title[:200]
    ad.description = " ".join(parts)


def plan_positions(
    *,
    rng: random.Random,
    employers: Sequence[Employer],
    municipalities: dict[str, Municipality],
    positions: int,
    seats: int,
    start: dt.date,
    reference_stem: str,
) -> tuple[list[AdPlan], list[AreaPlan]]:
    """The advertisements (with titles, descriptions and seats) and the areas they use."""
    by_code = {e.code: e for e in employers}
    counts = ads_per_employer(employers, positions)
    # About one hospital-only and one municipality-only advertisement per 30.
    special = positions // 30
    areas: dict[tuple[str, str], AreaPlan | None] = {}
    ads: list[AdPlan] = []
    for code in sorted(counts):
        employer = by_code[code]
        sites = sorted(employer.sites, key=lambda s: s.code)
        prefix = REFERENCE_PREFIX.get(code, code[:4].upper())
        for number in range(counts[code]):
            site = sites[number % len(sites)]
            ad_sites: tuple[Site, ...] = (site,)
            if len(sites) > 1 and rng.random() < 0.2:
                ad_sites = (site, sites[(number + 1) % len(sites)])
            key = (code, site.code)
            if key not in areas:
                others = {
                    s.municipality_number for e in employers if e.code != code for s in e.sites
                }
                areas[key] = _area_for(employer, site, municipalities, others)
            area = areas[key]
            municipality_number: str | None = None
            if area is None:
                municipality_number = site.municipality_number
            elif number > 0 and rng.random() < 0.2:
                municipality_number = rng.choice(area.municipality_numbers)
                area = None
            rotation = Rotation.THREE_PART if rng.random() < 0.2 else Rotation.TWO_PART
            ads.append(
                AdPlan(
                    index=len(ads),
                    employer=employer,
                    reference=f"{prefix}-{reference_stem}-{number + 1:02d}",
                    kind=PositionKind.FULL,
                    rotation=rotation,
                    sites=ad_sites,
                    municipality_number=municipality_number,
                    area=area,
                    weight=employer.weight / counts[code],
                )
            )
    # Part-only advertisements replace some non-first ones, drawn from the seeded RNG.
    candidates = [ad.index for ad in ads if not ad.reference.endswith("-01")]
    drawn = rng.sample(candidates, min(2 * special, len(candidates)))
    for i, index in enumerate(sorted(drawn)):
        ad = ads[index]
        ad.weight *= 0.2
        if i % 2 == 0:
            ad.kind = PositionKind.HOSPITAL_ONLY
            ad.municipality_number = None
            ad.area = None
        else:
            ad.kind = PositionKind.MUNICIPALITY_ONLY
            ad.rotation = ""
            ad.sites = ()
            if ad.area is not None:
                ad.municipality_number = rng.choice(ad.area.municipality_numbers)
                ad.area = None
    for ad, share in zip(ads, apportion(seats, [ad.weight for ad in ads]), strict=True):
        ad.seats = share
        _describe(ad, start, municipalities, rng)
    used = {(ad.area.employer, ad.area.name): ad.area for ad in ads if ad.area is not None}
    return ads, [used[key] for key in sorted(used)]
