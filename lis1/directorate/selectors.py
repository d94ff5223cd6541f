"""What the directorate's pages and its API both show, read once for both (neither imports
the other)."""

from __future__ import annotations

from lis1.notifications.models import EmailBatch
from lis1.rounds.checklist import round_checklist
from lis1.rounds.models import MatchRun, Round
from lis1.rounds.services.matching import problem_message
from municipalities.selectors import checklist_municipal_reviews


def round_checklist_items(round_: Round) -> list:
    """The checklist the round page and the publish page show: the shared model's items and
    the municipalities' review of the rankings."""
    items = round_checklist(round_)
    items.insert(1, checklist_municipal_reviews(round_))
    return items


def run_context(run: MatchRun) -> dict[str, object]:
    """What the page and its polled fragment show: the run's job, its newest check and the
    results e-mails once published."""
    check = run.checks.order_by("-created_at", "-pk").first()
    if check is not None:
        # Stored by code; said in the reader's language.
        check.problem_messages = [problem_message(p) for p in check.problems]  # type: ignore[attr-defined]
    batch = EmailBatch.objects.filter(key=f"results:{run.pk}").first()
    busy = (
        run.in_progress
        or (check is not None and check.in_progress)
        or (batch is not None and batch.in_progress)
    )
    return {"run": run, "check": check, "batch": batch, "busy": busy}
