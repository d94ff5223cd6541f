"""CSV import and export of positions and rankings: formula-safe, all or nothing, line numbers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis1.rounds.enums import PositionStatus
from lis1.rounds.models import Position
from lis1.rounds.services.csvio import CsvImportError, safe_cell
from lis1.rounds.services.positions import positions_import_csv
from lis1.rounds.services.rankings import employer_ranking_set, ranking_ids, ranking_import_csv
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,title,kind,rotation,sites,municipality_number,area,start_date,seats,"
    "description,alis_url,status\n"
)


def test_safe_cell_escapes_formulas() -> None:
    assert [safe_cell(v) for v in ("=SUM(A1)", "+1", "-2", "@x", "Ola")] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "Ola",
    ]


def test_positions_import_creates_and_exports_round_trip(
    employer_user, trust, municipality
) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    site = f.SiteFactory(parent=trust, code="si-gjovik")
    text = (
        HEADER + f"A-1,LIS1 Gjøvik,full,two_part,si-gjovik,{municipality.municipality_number},,"
        f"{round_.start_date},2,=cmd,,published\n"
        + f"A-2,LIS1 sykehus,hospital_only,three_part,,,,{round_.start_date},1,,"
        "https://alis.no,draft\n"
    )
    client = client_for(employer_user)
    response = client.post(
        reverse("employers:positions_import") + f"?round={round_.slug}",
        {"round": round_.slug, "file": SimpleUploadedFile("p.csv", text.encode())},
    )
    assert response.status_code == 302
    a1 = Position.objects.get(reference="A-1")
    assert (a1.status, a1.municipality, list(a1.sites.all()), a1.description) == (
        PositionStatus.PUBLISHED,
        municipality,
        [site],
        "=cmd",
    )
    export = client.get(reverse("employers:positions_export") + f"?round={round_.slug}")
    assert "'=cmd" in export.content.decode("utf-8-sig")
    # The export re-imports unchanged.
    positions_import_csv(round_=round_, employer=trust, data=export.content)
    assert Position.objects.get(reference="A-1").description == "=cmd"


def test_positions_import_is_all_or_nothing_with_line_numbers(trust, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    text = (
        HEADER
        + f"B-1,Ok,full,two_part,,{municipality.municipality_number},,{round_.start_date},1,,,"
        "draft\n"
        + "B-2,Bad,full,,,9999,,31.02.2030,0,,,draft\n"
        + f"B-1,Dup,full,two_part,,{municipality.municipality_number},,{round_.start_date},1,,,"
        "draft\n"
    )
    with pytest.raises(CsvImportError) as caught:
        positions_import_csv(round_=round_, employer=trust, data=text.encode())
    lines = sorted({line for line, _m in caught.value.errors})
    assert lines == [3, 4]
    assert not Position.objects.exists()


def test_positions_import_error_page(employer_user, municipality) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    text = HEADER + "C-1,No date,full,two_part,,,,,1,,,draft\n"
    response = client_for(employer_user).post(
        reverse("employers:positions_import"),
        {"round": round_.slug, "file": SimpleUploadedFile("p.csv", text.encode())},
    )
    assert response.status_code == 400
    assert "start_date" in response.content.decode()


def test_ranking_export_and_import(employer_user, position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, b, c = applicants
    employer_ranking_set(position=position, applicant_ids=[c.pk, a.pk])
    client = client_for(employer_user)
    exported = client.get(reverse("employers:ranking_export", args=[position.pk])).content
    employer_ranking_set(position=position, applicant_ids=[b.pk])
    response = client.post(
        reverse("employers:ranking_import", args=[position.pk]),
        {"file": SimpleUploadedFile("r.csv", exported)},
    )
    assert response.status_code == 302
    assert ranking_ids(position) == [c.pk, a.pk]


def test_ranking_import_refuses_strangers_and_duplicates(position, applicants) -> None:  # type: ignore[no-untyped-def]
    a, _b, _c = applicants
    stranger = f.ApplicantFactory()
    text = f"rank,applicant_id\n1,{a.pk}\n2,{stranger.pk}\n2,{a.pk}\nx,{a.pk}\n"
    with pytest.raises(CsvImportError) as caught:
        ranking_import_csv(position=position, data=text.encode())
    assert [line for line, _m in caught.value.errors] == [3, 4, 5]
    assert ranking_ids(position) == []
