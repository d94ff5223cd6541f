"""The report's "after the main match" section counts what the placement lifecycle did:
extra seats, positions given up, and vacant seats offered from the ranked lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lis1.reports.services import round_report_build
from lis1.rounds.services.placements import (
    placement_answer,
    placement_end,
    position_seats_add,
    vacancy_offer,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _cells(report, key):  # type: ignore[no-untyped-def]
    return [row.cells for row in report.table(key).rows]


def test_fills_and_extra_seats_appear_in_the_follow_up_section(
    directorate_user, employer_user
) -> None:  # type: ignore[no-untyped-def]
    round_, position, people, run = f.published_list_round(4)
    first = run.placements.get()
    placement_answer(placement=first, accept=True, actor=people[0].user)
    placement_end(placement=first, actor=people[0].user, reason="")
    deadline = timezone.now() + dt.timedelta(days=2)
    offer, _ = vacancy_offer(position=position, actor=employer_user, answer_deadline=deadline)
    placement_answer(placement=offer, accept=True, actor=people[1].user)
    position_seats_add(position=position, seats=2, reason="Extra funding.", actor=directorate_user)
    vacancy_offer(position=position, actor=employer_user, answer_deadline=deadline)

    internal = round_report_build(round_=round_, internal=True)
    assert _cells(internal, "follow_up") == [
        ["Extra seats added after the results", 2],
        ["Accepted positions given up before the start", 1],
        ["Positions left after the start", 0],
        ["Vacant seats offered directly from a ranked list", 2],
        ["Direct offers accepted", 1],
        ["Direct offers still open", 1],
        ["Seats vacant now", 1],  # 3 seats: one accepted, one offered
    ]
    runs = _cells(internal, "match_runs")
    assert [row[0] for row in runs] == ["Main match", "Direct offers from the ranked lists"]
    # The two direct offers (two runs of one offer each) are one row that counts them.
    assert runs[1][1] == 2
    assert runs[1][3:] == [2, 2, 2, 1, 0, 0]

    public = round_report_build(round_=round_, internal=False)
    assert _cells(public, "follow_up")[1] == ["Accepted positions given up before the start", "<5"]
    assert _cells(public, "follow_up")[0] == ["Extra seats added after the results", 2]
