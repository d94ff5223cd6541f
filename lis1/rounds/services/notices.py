"""The e-mails the applicant's workflow sends, written to the outbox in the caller's
transaction. Messages never contain the national identity number; they link to the pages
instead of repeating personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from lis1.notifications.models import EmailBatch, Outbox
from lis1.notifications.services import (
    email_batch_writer,
    notification_queue,
    notification_render,
)
from lis1.rounds.enums import ApplicationStatus, MatchRunKind, PlacementStatus
from lis1.rounds.models import Applicant, Application, Couple, MatchRun, Placement, Round


def _send(
    applicant: Applicant, template: str, context: dict[str, object], dedupe_key: str | None = None
) -> bool:
    if not applicant.user.has_email_address:
        # An account from an identity provider before its owner gave an e-mail address: the
        # placeholder reaches nobody, and the dedupe key stays free for later.
        return False
    subject, body = notification_render(
        template=template,
        context={"applicant": applicant, "site_url": settings.LIS1_SITE_URL, **context},
    )
    return (
        notification_queue(
            to=applicant.user.email, subject=subject, body=body, dedupe_key=dedupe_key
        )
        is not None
    )


def notice_application_received(*, application: Application) -> None:
    _send(application.applicant, "application_received", {"application": application})


def notice_application_withdrawn(*, application: Application) -> None:
    _send(application.applicant, "application_withdrawn", {"application": application})


def notice_placement_answered(*, placement: Placement, on_behalf: bool = False) -> None:
    """The receipt of an answer; when staff recorded it, the e-mail says so."""
    template = (
        "placement_accepted"
        if placement.status == PlacementStatus.ACCEPTED
        else "placement_declined"
    )
    _send(placement.applicant, template, {"placement": placement, "on_behalf": on_behalf})


def notice_placement_ended(*, placement: Placement) -> None:
    _send(placement.applicant, "placement_ended", {"placement": placement})


def notice_direct_offer(*, placement: Placement) -> None:
    """A vacant seat offered from the ranked list: the offer and its own deadline."""
    _send(
        placement.applicant,
        "results_placed",
        {
            "placement": placement,
            "round": placement.match_run.round,
            "deadline": placement.answer_deadline,
            "direct": True,
        },
    )


def notice_couple_invited(*, couple: Couple) -> None:
    _send(couple.second, "couple_invited", {"couple": couple})


#: Results e-mails are written in chunks, each in its own transaction, with progress between.
RESULTS_CHUNK = 200


def results_recipients(run: MatchRun) -> list[int]:
    """Who is told a run's result: every applicant of the round after the main match; only
    those it places after a follow-up run."""
    if run.kind == MatchRunKind.MAIN:
        return list(
            Applicant.objects.filter(
                applications__position__round_id=run.round_id,
                applications__status=ApplicationStatus.SUBMITTED,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
    return list(run.placements.order_by("applicant_id").values_list("applicant_id", flat=True))


def notifications_results_write(*, match_run: MatchRun, applicant_ids: list[int]) -> int:
    """The results e-mails of some applicants of a published run: the offer with its
    deadline, or plainly that no position was given. Idempotent per run and applicant."""
    run = MatchRun.objects.select_related("round").without_blobs().get(pk=match_run.pk)
    placements = {
        p.applicant_id: p
        for p in run.placements.filter(applicant_id__in=applicant_ids).select_related(
            "position__employer"
        )
    }
    done = set(
        Outbox.objects.filter(
            dedupe_key__in=[f"results:{run.pk}:{pk}" for pk in applicant_ids]
        ).values_list("dedupe_key", flat=True)
    )
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for applicant in Applicant.objects.filter(pk__in=applicant_ids).select_related("user"):
            key = f"results:{run.pk}:{applicant.pk}"
            if key in done:
                continue
            placement = placements.get(applicant.pk)
            if placement is not None:
                placement.match_run = run
            count += _send(
                applicant,
                "results_placed" if placement else "results_unplaced",
                {
                    "placement": placement,
                    "round": run.round,
                    "run": run,
                    "deadline": placement.deadline if placement else None,
                },
                dedupe_key=key,
            )
    return count


def notifications_results_published(*, match_run: MatchRun) -> int:
    """Every results e-mail of a published run at once (tests and small rounds); the publish
    service runs the same writer as a background e-mail batch with progress."""
    count = 0
    for _done, _total, written in results_batch_chunks(match_run=match_run):
        count += written
    return count


def results_batch_chunks(*, match_run: MatchRun):
    """Write the run's results e-mails chunk by chunk, each chunk in its own transaction;
    yields (done, total, written) after each."""
    recipients = results_recipients(match_run)
    total = len(recipients)
    for start in range(0, total, RESULTS_CHUNK):
        chunk = recipients[start : start + RESULTS_CHUNK]
        with transaction.atomic():
            written = notifications_results_write(match_run=match_run, applicant_ids=chunk)
        yield min(start + RESULTS_CHUNK, total), total, written
    if not total:
        yield 0, 0, 0


REMINDED_DEADLINES = ("applications_close", "ranking_deadline", "answer_deadline")


def _recipients(round_: Round, deadline: str) -> list[Applicant]:
    queryset = Applicant.objects.select_related("user")
    if deadline == "applications_close":
        # Everyone who is registered may still apply.
        return list(queryset.filter(user__is_active=True))
    if deadline == "ranking_deadline":
        return list(
            queryset.filter(
                applications__position__round=round_,
                applications__status=ApplicationStatus.SUBMITTED,
            ).distinct()
        )
    return list(
        queryset.filter(
            Q(placements__match_run__round=round_)
            & Q(placements__match_run__published_at__isnull=False)
            & Q(placements__status=PlacementStatus.OFFERED)
        ).distinct()
    )


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    """A reminder a day before each of the applicant's deadlines. Runs hourly; the outbox's
    de-duplication key makes it one reminder per applicant, round and deadline."""
    now = now or timezone.now()
    count = 0
    # Open rounds only: a closed round sends no reminders; each deadline checks its own date.
    rounds = Round.objects.filter(closed_at__isnull=True, advertising_opens__lte=now)
    with translation.override(settings.LANGUAGE_CODE):
        for round_ in rounds:
            for deadline in REMINDED_DEADLINES:
                when = getattr(round_, deadline)
                if not now < when <= now + dt.timedelta(days=1):
                    continue
                label = round_._meta.get_field(deadline).verbose_name  # type: ignore[union-attr]
                # The task runs every hour of the day before: skip, before rendering anything,
                # whoever an earlier run reminded (the key would refuse them anyway).
                prefix = f"reminder:{round_.pk}:{deadline}:"
                done = set(
                    Outbox.objects.filter(dedupe_key__startswith=prefix).values_list(
                        "dedupe_key", flat=True
                    )
                )
                for applicant in _recipients(round_, deadline):
                    key = f"{prefix}{applicant.pk}"
                    if key in done:
                        continue
                    count += _send(
                        applicant,
                        "reminder",
                        {"round": round_, "deadline": label, "when": when},
                        dedupe_key=key,
                    )
    return count


@email_batch_writer("results")
def results_batch_writer(batch: EmailBatch):
    """The e-mail batch `results:<match run id>`, started when a run is published."""
    run = MatchRun.objects.without_blobs().get(pk=int(batch.key.split(":", 1)[1]))
    for done, total, _written in results_batch_chunks(match_run=run):
        yield done, total
