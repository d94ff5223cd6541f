"""`demo_round_play`: take a demo round that lies in the past through its whole lifecycle.

The decisions go through the real services, as the directorate takes them: the main match
is run, verified and published; the follow-up is opened (offers nobody answered lapse); a
follow-up match fills the seats that were turned down or left empty, and is published; the
round is closed (which requests its final report). The applicants' answers come from the
declared acceptance model (lis1.rounds.demo.answers) and, like the employers' confirmed
starts, are written in bulk rather than one `placement_answer` / `placement_start` call per
offer: the same statuses, times and actors those services write, without their receipts
and audit events. The services stamp their decisions with the time of seeding; afterwards
every stamp is moved to the moment in the round's calendar when it would have been taken
(history.PastCalendar). The results e-mails the publications request are dropped: nobody
was e-mailed in the simulated past.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

from django.utils import timezone

from lis1.accounts.models import User
from lis1.notifications.models import EmailBatch
from lis1.rounds.demo.answers import ACCEPT, DECLINE, AcceptanceModel, Offer, answer_offers
from lis1.rounds.demo.history import PastCalendar
from lis1.rounds.enums import MatchRunKind, PlacementStatus, RoundEventKind
from lis1.rounds.models import MatchRun, Placement, Round, RoundEvent
from lis1.rounds.services import matching
from lis1.rounds.services.rounds import round_close, round_follow_up_open


class DemoHistoryError(RuntimeError):
    """A past demo round could not be played through (a run failed its verification)."""


def _match(*, round_: Round, kind: str, seed: int, director: User, reason: str) -> MatchRun:
    run = matching.round_run_match(
        match_run=matching.match_run_create(
            round_=round_, kind=kind, seed=seed, requested_by=director
        )
    )
    problems = matching.match_run_verify(match_run=run)
    if problems:
        raise DemoHistoryError(f"{round_.slug}: {'; '.join(problems)}")
    if run.stable is False:
        # Couple-dense markets often have no stable matching at all; the demo's director
        # publishes the least unstable one found, as the publish page lets a real one do.
        unstable = "Demo history: the matching has blocking pairs; published as found."
        reason = f"{reason} {unstable}" if reason else unstable
    return matching.match_run_publish(
        match_run=run, published_by=director, confirm=bool(reason), reason=reason
    )


def _answer(
    *,
    run: MatchRun,
    acceptance: AcceptanceModel,
    rng: random.Random,
    groups: Mapping[int, str],
    users: Mapping[int, int],
    order: Mapping[int, int],
    opened: dt.datetime,
    deadline: dt.datetime,
) -> None:
    """The applicants answer the run's offers themselves, most of them in the first days."""
    placements = list(
        Placement.objects.filter(match_run=run).only("pk", "applicant_id", "choice_rank")
    )
    answers = answer_offers(
        model=acceptance,
        rng=rng,
        offers=[
            Offer(p.pk, groups[p.applicant_id], p.choice_rank, order[p.applicant_id])
            for p in placements
        ],
    )
    window = (deadline - opened).total_seconds()
    answered = []
    for placement in sorted(placements, key=lambda p: order[p.applicant_id]):
        answer = answers[placement.pk]
        if answer not in (ACCEPT, DECLINE):
            continue  # no answer: the offer lapses at the deadline
        placement.status = (
            PlacementStatus.ACCEPTED if answer == ACCEPT else PlacementStatus.DECLINED
        )
        placement.answered_at = opened + dt.timedelta(
            seconds=max(60, int(window * rng.random() ** 2) - 60)
        )
        placement.answered_by_id = users[placement.applicant_id]
        answered.append(placement)
    Placement.objects.bulk_update(
        answered, ["status", "answered_at", "answered_by"], batch_size=2000
    )


def _backdate_run(run: MatchRun, *, started: dt.datetime, published: dt.datetime) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=started - dt.timedelta(minutes=2),
        enqueued_at=None,
        started_at=started,
        heartbeat_at=started + dt.timedelta(minutes=1),
        finished_at=started + dt.timedelta(minutes=1),
        verified_at=started + dt.timedelta(minutes=30),
        published_at=published,
    )
    RoundEvent.objects.filter(
        round_id=run.round_id, kind=RoundEventKind.MATCH_STARTED, details__match_run=run.pk
    ).update(at=started - dt.timedelta(minutes=2))
    RoundEvent.objects.filter(
        round_id=run.round_id, kind=RoundEventKind.PUBLISHED, details__match_run=run.pk
    ).update(at=published)
    EmailBatch.objects.filter(key=f"results:{run.pk}").delete()


def demo_round_play(
    *,
    round_: Round,
    past: PastCalendar,
    director: User,
    acceptance: AcceptanceModel,
    rng: random.Random,
    seed: int,
    groups: Mapping[int, str],
    users: Mapping[int, int],
    order: Mapping[int, int],
    today: dt.date,
) -> set[int]:
    """Play the round (see the module docstring). `groups` gives each applicant's education
    group, `users` their user and `order` their place in the round's plan, by Applicant key
    (so that the draws do not depend on how the database numbered the rows). Returns the
    Applicant keys of those who accepted a position (hired once their start has come)."""
    dates = past.dates
    reason = "Demo history: the rankings were loaded, not submitted through the pages."
    submitted_all = not round_.positions.filter(ranking_submitted_at__isnull=True).exists()

    main = _match(
        round_=round_,
        kind=MatchRunKind.MAIN,
        seed=seed,
        director=director,
        reason="" if submitted_all else reason,
    )
    _answer(
        run=main,
        acceptance=acceptance,
        rng=rng,
        groups=groups,
        users=users,
        order=order,
        opened=dates.results_published,
        deadline=dates.answer_deadline,
    )
    round_follow_up_open(round_=round_, opened_by=director)
    follow_up = _match(
        round_=round_,
        kind=MatchRunKind.FOLLOW_UP,
        seed=seed,
        director=director,
        reason="" if submitted_all else reason,
    )
    _answer(
        run=follow_up,
        acceptance=acceptance,
        rng=rng,
        groups=groups,
        users=users,
        order=order,
        opened=past.follow_up_published,
        deadline=past.follow_up_deadline,
    )
    _backdate_run(main, started=dates.match_date, published=dates.results_published)
    _backdate_run(
        follow_up,
        started=past.follow_up_opened + dt.timedelta(hours=1),
        published=past.follow_up_published,
    )
    MatchRun.objects.filter(pk=follow_up.pk).update(answer_deadline=past.follow_up_deadline)
    RoundEvent.objects.filter(round=round_, kind=RoundEventKind.FOLLOW_UP_OPENED).update(
        at=past.follow_up_opened
    )
    round_close(round_=round_, closed_by=director)
    RoundEvent.objects.filter(round=round_, kind=RoundEventKind.CLOSED).update(at=past.closed)
    Round.objects.filter(pk=round_.pk).update(
        published_at=dates.results_published,
        follow_up_opened_at=past.follow_up_opened,
        closed_at=past.closed,
    )

    accepted = Placement.objects.filter(match_run__round=round_, status=PlacementStatus.ACCEPTED)
    if dates.start_date <= today:
        # The employers confirm the starts (placement_start's records) on the start date.
        accepted.update(
            started_on=dates.start_date,
            start_recorded_at=min(past.start_recorded, timezone.now()),
        )
    return set(accepted.values_list("applicant_id", flat=True))
