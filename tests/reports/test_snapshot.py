"""A report input frozen to JSON comes back equal: every dataclass, date and dict order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from lis1.reports.rows import (
    ChoiceCount,
    CoupleCount,
    FollowUpCounts,
    GroupCount,
    HeadlineCounts,
    MatchRunRow,
    MunicipalPartRow,
    NationalityEducationCount,
    PositionRow,
    ReportInput,
    RoundInfo,
    SeriesRow,
)
from lis1.reports.snapshot import FORMAT, SnapshotFormatError, input_dump, input_load
from tests.fresh_python import fresh_python

NOW = dt.datetime(2040, 6, 1, 12, 30, tzinfo=dt.UTC)


def full_input() -> ReportInput:
    """A report input with every field set to something other than its default."""
    round_ = RoundInfo(
        "spring-2040", "Vår 2040", "spring", 2040, dt.date(2040, 9, 1), "closed", NOW
    )
    previous = RoundInfo("spring-2039", "Vår 2039", "spring", 2039, dt.date(2039, 9, 1), "closed")
    return ReportInput(
        round=round_,
        data_as_of=NOW,
        counts=HeadlineCounts(3, 6, 7, 12, 6, 4, 1, 0, 1, 3, 5, 1),
        previous_round=previous,
        previous_counts=HeadlineCounts(1, 4, 2, 2, 0, 0, 0, 0, 0, 0, 0, 4),
        positions=[PositionRow("Helse Vest RHF", "Helse Bergen HF", 2, 2)],
        # Not in sorted order: the order must survive jsonb, which reorders object keys.
        applicants_by_region={"Helse Vest RHF": 5, "Helse Nord RHF": 3, "–": 1},
        applicants_by_trust={"Helse Førde HF": 2, "Finnmarkssykehuset HF": 3},
        offered_by_region={"Helse Vest RHF": 4, "Helse Nord RHF": 2},
        offered_by_trust={"Helse Førde HF": 1, "Finnmarkssykehuset HF": 2},
        hired_by_region={"Helse Vest RHF": 3},
        hired_by_trust={"Finnmarkssykehuset HF": 1},
        by_nationality=[GroupCount("NO", 4, 3, 2, 3), GroupCount("", 1, 0, 0, 0)],
        by_education_country=[GroupCount("PL", 1, 1, 0, 1)],
        by_education_year=[GroupCount(2040, 3, 2, 1, 2), GroupCount(None, 1, 0, 0, 0)],
        by_gender=[GroupCount("female", 3, 3, 2, 3)],
        by_birth_date=[GroupCount(dt.date(2014, 3, 1), 1, 1, 1, 1), GroupCount(None, 1, 0, 0, 0)],
        by_earlier_rounds=[GroupCount(0, 3, 2, 1, 2), GroupCount(6, 1, 1, 0, 1)],
        by_nationality_education=[NationalityEducationCount("NO", "HU", 1, 0, 0, 0)],
        choices=[ChoiceCount("main", 1, 5, 3), ChoiceCount("direct_offer", None, 1, 1)],
        couples=[CoupleCount(True, False, 1)],
        municipalities_taking_part=4,
        municipal_parts=[MunicipalPartRow("Sunnfjord-området", True, "Vestland", 2, 1, 1, 2, 1)],
        runs=[
            MatchRunRow("main", NOW, 7, 6, 5, 3, 1, 0),
            MatchRunRow("follow_up", None, 2, 1, 1, 1, 0, 0),
        ],
        follow_up=FollowUpCounts(2, 1, 0, 2, 1, 1, 1),
        series=[SeriesRow("spring-2040", "Vår 2040", "spring", 2040, 6, 7, 6, 4)],
    )


def _default(f: dataclasses.Field) -> object:  # type: ignore[type-arg]
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def test_the_sample_sets_every_field_of_the_report_input() -> None:
    # A field added to ReportInput must be added here too, so its type is known to freeze.
    data = full_input()
    unset = [
        f.name for f in dataclasses.fields(ReportInput) if getattr(data, f.name) == _default(f)
    ]
    assert unset == []


def test_snapshot_round_trips_through_json() -> None:
    data = full_input()
    stored = json.loads(json.dumps(input_dump(data)))
    assert stored["format"] == FORMAT
    loaded = input_load(stored)
    assert loaded == data
    assert list(loaded.applicants_by_region) == ["Helse Vest RHF", "Helse Nord RHF", "–"]
    assert loaded.by_birth_date[0].key == dt.date(2014, 3, 1)
    assert loaded.data_as_of == NOW and loaded.data_as_of.tzinfo is not None


def test_snapshot_of_another_format_is_refused() -> None:
    stored = input_dump(full_input())
    stored["format"] = "lis1-report-input/0"
    with pytest.raises(SnapshotFormatError, match="lis1-report-input/0"):
        input_load(stored)


def test_snapshot_missing_a_later_field_loads_it_as_its_default() -> None:
    stored = input_dump(full_input())
    del stored["input"]["by_nationality_education"]
    stored["input"]["a_field_since_removed"] = 1
    loaded = input_load(stored)
    assert loaded.by_nationality_education == []
    assert loaded.by_gender == full_input().by_gender


def test_snapshot_module_does_not_import_django() -> None:
    code = (
        "import lis1.reports.snapshot, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    fresh_python(code)


@pytest.mark.django_db
def test_snapshot_of_a_real_round_round_trips_through_the_database(report_round) -> None:  # type: ignore[no-untyped-def]
    from lis1.reports import queries
    from lis1.reports.models import ReportSnapshot

    data = queries.report_input(round_=report_round["round"], live=True)
    assert any(g.key is None for g in data.by_birth_date)  # a6 has no birth date
    ReportSnapshot.objects.create(
        round=report_round["round"],
        format=FORMAT,
        data=input_dump(data),
        data_as_of=data.data_as_of,
    )
    stored = ReportSnapshot.objects.get(round=report_round["round"])
    assert input_load(stored.data) == data
