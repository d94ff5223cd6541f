"""The round's calendar as the applicant sees it: each step with its date, whether it is
done, under way or ahead, and where the applicant stands in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lis1.rounds.enums import PlacementStatus
from lis1.rounds.models import Placement, Round


@dataclass(frozen=True)
class Step:
    label: str
    when: dt.datetime | dt.date
    state: str  # "done", "current" or "ahead"
    status: str  # where the applicant stands, in words


def round_timeline(
    round_: Round,
    *,
    applied: int,
    ranked: int,
    placement: Placement | None,
    results_published: bool,
    now: dt.datetime | None = None,
) -> list[Step]:
    now = now or timezone.now()
    answer_deadline = round_.answer_deadline
    if placement is None:
        result = _("You were not offered a position.") if results_published else ""
        answer = ""
    else:
        result = _("You have been offered a position.")
        answer = {
            PlacementStatus.OFFERED: _("Waiting for your answer."),
            PlacementStatus.ACCEPTED: _("You accepted the offer."),
            PlacementStatus.DECLINED: _("You turned down the offer."),
            PlacementStatus.EXPIRED: _("The offer expired."),
            PlacementStatus.WITHDRAWN: _("You withdrew before the start."),
            PlacementStatus.LEFT: _("You have left the position."),
        }[placement.status]  # type: ignore[index]
        # An offer from a follow-up match or a direct offer carries its own, later deadline.
        answer_deadline = placement.deadline
    applied_text = ngettext(
        "You have applied to %(n)d position.", "You have applied to %(n)d positions.", applied
    ) % {"n": applied}
    ranked_text = ngettext(
        "%(n)d position in your ranking.", "%(n)d positions in your ranking.", ranked
    ) % {"n": ranked}
    published_at = round_.published_at if results_published else None
    if not results_published and round_.results_published <= now:
        result = _("The results are not published yet.")
    steps = [
        (_("Applications open"), round_.applications_open, ""),
        (_("Application deadline"), round_.applications_close, applied_text),
        (_("Ranking deadline"), round_.ranking_deadline, ranked_text),
        # The moment the results came out, once they have; the planned date until then.
        (_("Results published"), published_at or round_.results_published, result),
        (_("Answer deadline"), answer_deadline, answer),
    ]
    out: list[Step] = []
    current_given = False
    for index, (label, when, status) in enumerate(steps):
        # The results and the answers are done only once the results are out, whatever the
        # planned dates say (lis1.rounds.calendar: publication is a decision).
        done = (when <= now or index == 3) and (index < 3 or results_published)
        if done:
            state = "done"
        elif not current_given:
            state, current_given = "current", True
        else:
            state = "ahead"
        out.append(Step(label, when, state, status))
    out.append(
        Step(_("Start date"), round_.start_date, "ahead" if current_given else "current", "")
    )
    return out
