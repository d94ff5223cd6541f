"""A position's fields are declared once (lis1.rounds.models.POSITION_FIELDS): every field of
the model is declared or the system's, and the form, the serializers, the CSV and the writer
take every declared field, so none can be dropped on the way."""

from __future__ import annotations

import datetime as dt

import pytest

from applicants.serializers import ApplicantPositionSerializer
from employers.api import PositionSerializer
from employers.forms import PositionForm
from lis1.rounds.enums import PositionKind, PositionStatus, Rotation
from lis1.rounds.models import POSITION_FIELDS, POSITION_SYSTEM_FIELDS, Position
from lis1.rounds.services.positions import (
    POSITION_CSV_COLUMNS,
    POSITION_ROW_FIELDS,
    position_save,
    positions_export_csv,
    positions_import_csv,
)
from tests import factories as f


def test_every_field_of_the_model_is_declared_or_the_systems() -> None:
    model_fields = {
        field.name
        for field in Position._meta.get_fields()
        if not field.auto_created or field.concrete  # not the reverse relations; `id` counts
    }
    declared, system = set(POSITION_FIELDS), set(POSITION_SYSTEM_FIELDS)
    assert not declared & system
    assert model_fields == declared | system


def test_form_serializers_and_csv_take_every_declared_field() -> None:
    assert set(POSITION_FIELDS) <= set(PositionForm._meta.fields or ())
    assert set(POSITION_FIELDS) <= set(PositionSerializer.Meta.fields)
    assert set(POSITION_FIELDS) <= set(ApplicantPositionSerializer.Meta.fields)
    assert len(POSITION_CSV_COLUMNS) == len(POSITION_FIELDS) + 1  # and the status


@pytest.mark.django_db
def test_the_writer_refuses_a_field_it_does_not_know() -> None:
    with pytest.raises(TypeError, match="ranking_submitted_at"):
        position_save(
            round_=None,  # type: ignore[arg-type]
            employer=None,  # type: ignore[arg-type]
            data={"title": "LIS1", "ranking_submitted_at": None},
            sites=[],
        )


@pytest.mark.django_db
def test_every_declared_field_survives_the_csv(trust) -> None:  # type: ignore[no-untyped-def]
    round_ = f.advertising_round()
    site = f.SiteFactory(parent=trust, code="si-hamar")
    municipality = f.MunicipalityFactory()
    values = {
        "reference": "B-7",
        "title": "LIS1 Hamar",
        "kind": PositionKind.FULL,
        "rotation": Rotation.THREE_PART,
        "municipality": municipality,
        "municipal_area": None,
        "start_date": round_.start_date + dt.timedelta(days=14),
        "seats": 3,
        "description": "Indremedisin, kirurgi og psykiatri.",
        "alis_url": "https://alis.example.no/hamar",
    }
    assert set(values) == set(POSITION_ROW_FIELDS)
    position = position_save(round_=round_, employer=trust, data=values, sites=[site])
    Position.objects.filter(pk=position.pk).update(status=PositionStatus.PUBLISHED)
    _, _, data = positions_export_csv(
        positions=Position.objects.filter(pk=position.pk), round_=round_
    )

    # Every declared field changed, then the export read back: all of them as they were.
    other_site = f.SiteFactory(parent=trust, code="si-elverum")
    position_save(
        position=position,
        round_=round_,
        employer=trust,
        data={
            **values,
            "title": "x",
            "kind": PositionKind.HOSPITAL_ONLY,
            "rotation": Rotation.TWO_PART,
            "municipality": None,
            "start_date": round_.start_date,
            "seats": 1,
            "description": "",
            "alis_url": "",
        },
        sites=[other_site],
    )
    positions_import_csv(round_=round_, employer=trust, data=data)

    back = Position.objects.get(pk=position.pk)
    assert {name: getattr(back, name) for name in values} == values
    assert list(back.sites.all()) == [site]
    assert back.status == PositionStatus.PUBLISHED
