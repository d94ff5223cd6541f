"""Reference data: regional health authorities, employers and their hospital sites, and the
2024 municipalities. The data files under reference_data/ name their sources; loading is
idempotent (update or create by code/number), so it can run on every start."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lis1.rounds.enums import OrganisationKind
from lis1.rounds.models import Organisation, Region

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
DIRECTORATE_CODE = "helsedirektoratet"


def read_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a reference CSV, skipping the `#` lines that name its source."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


@dataclass(frozen=True)
class ReferenceCounts:
    regions: int
    employers: int
    sites: int
    municipalities: int


@transaction.atomic
def reference_data_load() -> ReferenceCounts:
    regions = {}
    for row in read_rows("regions.csv"):
        regions[row["code"]], _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )

    municipalities = 0
    existing = {
        o.municipality_number: o
        for o in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    }
    new = []
    for row in read_rows("municipalities_2024.csv"):
        municipalities += 1
        fields = {
            "name": row["name"],
            "county_number": row["county_number"],
            "county_name": row["county_name"],
        }
        current = existing.get(row["number"])
        if current is None:
            new.append(
                Organisation(
                    kind=OrganisationKind.MUNICIPALITY,
                    code=f"kommune-{row['number']}",
                    municipality_number=row["number"],
                    **fields,
                )
            )
        elif any(getattr(current, key) != value for key, value in fields.items()):
            Organisation.objects.filter(pk=current.pk).update(**fields)
    Organisation.objects.bulk_create(new)

    employers = {}
    for row in read_rows("employers.csv"):
        employers[row["code"]], _ = Organisation.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "name": row["name"],
                "region": regions[row["region"]],
                "org_number": row["org_number"],
                "catchment_counties": row["counties"],
            },
        )

    by_number = {
        o.municipality_number: o
        for o in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    }
    sites = 0
    for row in read_rows("hospital_sites.csv"):
        sites += 1
        municipality = by_number[row["municipality_number"]]
        employer = employers[row["employer"]]
        Organisation.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": OrganisationKind.HOSPITAL_SITE,
                "name": row["name"],
                "parent": employer,
                "region": employer.region,
                "municipality_number": municipality.municipality_number,
                "county_number": municipality.county_number,
                "county_name": municipality.county_name,
            },
        )

    Organisation.objects.update_or_create(
        code=DIRECTORATE_CODE,
        defaults={"kind": OrganisationKind.DIRECTORATE, "name": "Helsedirektoratet"},
    )
    return ReferenceCounts(
        regions=len(regions), employers=len(employers), sites=sites, municipalities=municipalities
    )
