"""Round transitions that no other workflow owns. For now: closing a round."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lis1.rounds.enums import RoundStatus
from lis1.rounds.models import Round
from lis1.rounds.permissions import is_directorate

# A round closes once its results are out and the answers are in.
CLOSABLE = (RoundStatus.MATCHED, RoundStatus.ANSWERS, RoundStatus.FOLLOW_UP)


class RoundTransitionError(Exception):
    """A round cannot make the requested transition; the message says why."""


@transaction.atomic
def round_close(*, round_: Round, closed_by) -> Round:  # type: ignore[no-untyped-def]
    """Close the round (its report becomes final) and generate the status report once the
    closing is committed."""
    # The one call from lis1.rounds up to lis1.reports: the closed round's final report. A
    # local import keeps lis1.rounds importable (and its tests runnable) on its own.
    from lis1.reports.enums import ReportTrigger
    from lis1.reports.services import stored_report_request

    if not is_directorate(closed_by):
        raise RoundTransitionError("Only directorate staff can close a round.")
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status == RoundStatus.CLOSED:
        raise RoundTransitionError("The round is already closed.")
    if locked.status not in CLOSABLE:
        raise RoundTransitionError("A round closes only after its results are published.")
    if timezone.now() < locked.answer_deadline:
        raise RoundTransitionError("A round closes only after the answer deadline.")
    locked.status = RoundStatus.CLOSED
    locked.save(update_fields=["status"])
    stored_report_request(
        round_=locked, requested_by=closed_by, trigger=ReportTrigger.ROUND_CLOSED, language="nb"
    )
    return locked
