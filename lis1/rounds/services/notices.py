"""The e-mails the applicant's workflow sends, written to the outbox in the caller's
transaction. Messages never contain the national identity number; they link to the pages
instead of repeating personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from lis1.notifications.models import Outbox
from lis1.notifications.services import notification_queue, notification_render
from lis1.rounds.enums import ApplicationStatus, PlacementStatus, RoundStatus
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


def notice_placement_answered(*, placement: Placement) -> None:
    template = (
        "placement_accepted"
        if placement.status == PlacementStatus.ACCEPTED
        else "placement_declined"
    )
    _send(placement.applicant, template, {"placement": placement})


def notice_couple_invited(*, couple: Couple) -> None:
    _send(couple.second, "couple_invited", {"couple": couple})


def notifications_results_published(*, match_run: MatchRun) -> int:
    """Tell every applicant of the run's round the result: the offer, or plainly that no
    position was given. Idempotent per run and applicant. Call it from the publish service."""
    run = MatchRun.objects.select_related("round").get(pk=match_run.pk)
    placements = {
        p.applicant_id: p
        for p in run.placements.select_related("position__employer", "applicant__user")
    }
    applicants = (
        Applicant.objects.filter(
            applications__position__round=run.round,
            applications__status=ApplicationStatus.SUBMITTED,
        )
        .select_related("user")
        .distinct()
    )
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        for applicant in applicants:
            placement = placements.get(applicant.pk)
            if placement is None and run.kind != "main":
                continue  # a follow-up run only writes to those it places
            count += _send(
                applicant,
                "results_placed" if placement else "results_unplaced",
                {"placement": placement, "round": run.round, "run": run},
                dedupe_key=f"results:{run.pk}:{applicant.pk}",
            )
    return count


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
    rounds = Round.objects.exclude(status__in=[RoundStatus.DRAFT, RoundStatus.CLOSED])
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
