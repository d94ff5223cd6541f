"""The e-mails the applicant's workflow sends, written to the outbox in the caller's
transaction. Messages never contain the national identity number; they link to the pages
instead of repeating personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from lis1.accounts.models import NO_EMAIL_DOMAIN
from lis1.notifications.models import EmailBatch, Outbox
from lis1.notifications.services import (
    email_batch_writer,
    notification_queue,
    notification_render,
    notifications_queue_many,
    notifications_render_and_send,
    outbox_renderer,
    template_filler,
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


def results_recipients(run: MatchRun) -> list[tuple[int, str]]:
    """Who is told a run's result, as (applicant id, e-mail address): every applicant of the
    round after the main match; only those it places after a follow-up run. Accounts without
    an e-mail address yet (from an identity provider) are left out."""
    rows: Iterable[tuple[int, str]]
    if run.kind == MatchRunKind.MAIN:
        # A semi-join on the applications, not a DISTINCT over all of them (~770,000).
        applied = Application.objects.filter(
            position__round_id=run.round_id, status=ApplicationStatus.SUBMITTED
        ).values("applicant_id")
        rows = (
            Applicant.objects.filter(pk__in=applied).order_by("pk").values_list("pk", "user__email")
        )
    else:
        rows = run.placements.order_by("applicant_id").values_list(
            "applicant_id", "applicant__user__email"
        )
    placeholder = "@" + NO_EMAIL_DOMAIN
    return [(pk, email) for pk, email in rows if not email.lower().endswith(placeholder)]


def results_queue(*, match_run: MatchRun, batch: EmailBatch | None = None) -> int:
    """Queue the results e-mails of a published run, unrendered, in one insert: the offer
    with its deadline, or plainly that no position was given (rendered and sent in batches
    by a worker). Idempotent per run and applicant: the de-duplication key skips whoever
    was queued already. Returns the number newly queued."""
    run = match_run
    placement_of = dict(run.placements.order_by().values_list("applicant_id", "pk"))
    return notifications_queue_many(
        messages=[
            (
                email,
                "results_placed" if pk in placement_of else "results_unplaced",
                {"run": run.pk, "applicant": pk, "placement": placement_of.get(pk)},
                f"results:{run.pk}:{pk}",
            )
            for pk, email in results_recipients(run)
        ],
        batch=batch,
    )


#: Where each results e-mail's own values go in a template rendered once per group of
#: e-mails (`template_filler`): the offer's id first (a number, for its URL), then texts.
_OFFER_MARK = "918273645546372819"
_NAME_MARK, _TITLE_MARK, _EMPLOYER_MARK = "\x00name\x00", "\x00title\x00", "\x00employer\x00"


@outbox_renderer("results")
def results_render(rows: list[Outbox]) -> dict[int, tuple[str, str]]:
    """Subjects and bodies of results e-mails from plain values: the runs, the applicants'
    names and the placements' positions, one query each, whatever the number of rows. Each
    template is rendered once per run and deadline, and each e-mail's name, position and
    link filled in."""
    runs = {
        run.pk: run
        for run in MatchRun.objects.filter(pk__in={r.context["run"] for r in rows})
        .select_related("round")
        .without_blobs()
    }
    names = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Applicant.objects.filter(
            pk__in={r.context["applicant"] for r in rows}
        ).values_list("pk", "given_name", "family_name")
    }
    placements = {
        pk: (deadline, title, employer)
        for pk, deadline, title, employer in Placement.objects.filter(
            pk__in={r.context["placement"] for r in rows if r.context.get("placement")}
        ).values_list("pk", "answer_deadline", "position__title", "position__employer__name")
    }
    fillers: dict[tuple[str, int, object], Callable[[Iterable[tuple[str, str]]], tuple[str, str]]]
    fillers = {}
    texts: dict[int, tuple[str, str]] = {}
    for row in rows:
        run = runs.get(row.context["run"])
        name = names.get(row.context["applicant"])
        placement_pk = row.context.get("placement")
        if run is None or name is None or (placement_pk and placement_pk not in placements):
            continue  # gone since it was queued: reported as not rendered
        values = [(_NAME_MARK, name)]
        deadline = None
        if placement_pk:
            answer_deadline, title, employer = placements[placement_pk]
            # As Placement.deadline: the offer's own, else its run's, else the round's.
            deadline = answer_deadline or run.answer_deadline or run.round.answer_deadline
            values = [
                (_OFFER_MARK, str(placement_pk)),
                (_TITLE_MARK, title),
                (_EMPLOYER_MARK, employer),
                *values,
            ]
        key = (row.template, run.pk, deadline)
        if key not in fillers:
            fillers[key] = template_filler(
                row.template,
                {
                    "applicant": {"full_name": _NAME_MARK},
                    "round": run.round,
                    "site_url": settings.LIS1_SITE_URL,
                    "placement": {
                        "pk": int(_OFFER_MARK),
                        "position": {"title": _TITLE_MARK, "employer": {"name": _EMPLOYER_MARK}},
                    }
                    if placement_pk
                    else None,
                    "deadline": deadline,
                },
            )
        texts[row.pk] = fillers[key](values)
    return texts


def notifications_results_published(*, match_run: MatchRun) -> int:
    """Every results e-mail of a published run queued and rendered now, in this process, and
    sent after commit (tests and the command line); publishing does the same as a background
    e-mail batch with progress. Returns the number newly queued."""
    run = MatchRun.objects.without_blobs().get(pk=match_run.pk)
    with transaction.atomic():
        queued = results_queue(match_run=run)
        notifications_render_and_send(
            rows=Outbox.objects.filter(
                dedupe_key__startswith=f"results:{run.pk}:", rendered=False, sent_at__isnull=True
            )
        )
    return queued


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
def results_batch_writer(batch: EmailBatch) -> int:
    """The e-mail batch `results:<match run id>`, started when a run is published: its
    e-mails queued in one insert (the batch's job then renders and sends them)."""
    run = MatchRun.objects.without_blobs().get(pk=int(batch.key.split(":", 1)[1]))
    return results_queue(match_run=run, batch=batch)
