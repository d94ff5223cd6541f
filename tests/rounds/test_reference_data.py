"""The shipped reference data is complete and consistent, and loads idempotently."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from lis1.rounds.enums import OrganisationKind
from lis1.rounds.models import Organisation, Region

DATA = Path(__file__).resolve().parents[2] / "lis1" / "rounds" / "reference_data"


def test_reference_data_files_pass_their_checker() -> None:
    result = subprocess.run(
        [sys.executable, str(DATA / "check_reference_data.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "All checks passed." in result.stdout


@pytest.mark.django_db
def test_load_reference_data_twice_gives_the_same_rows(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_reference_data")
    first = list(Organisation.objects.order_by("code").values_list("code", "name", "kind"))
    call_command("load_reference_data")
    assert list(Organisation.objects.order_by("code").values_list("code", "name", "kind")) == first
    assert Region.objects.count() == 4
    assert Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count() == 357
    assert Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE).count() == 1
    assert "357 municipalities" in capsys.readouterr().out
    elverum = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY, name="Elverum")
    assert (elverum.municipality_number, elverum.county_number) == ("3420", "34")
    sites = Organisation.objects.filter(kind=OrganisationKind.HOSPITAL_SITE)
    assert sites.filter(parent__isnull=True).count() == 0
    assert sites.count() >= 40
