"""Match runs and the placements they produce."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis1.jobs.models import ACTIVE, Job, JobStatus
from lis1.rounds.enums import ENDED, MatchRunKind, PlacementStatus
from lis1.rounds.models.organisations import Organisation
from lis1.rounds.models.people import Applicant
from lis1.rounds.models.rounds import Position, Round

#: A run's canonical instance and result: megabytes each in a national round.
BLOB_FIELDS = ("instance_json", "result_json")
#: Blocking pairs kept on the run for its page (the rest are in the result document).
BLOCKING_PAIRS_PREVIEW = 50


class MatchRunQuerySet(models.QuerySet["MatchRun"]):
    def without_blobs(self) -> MatchRunQuerySet:
        """The runs without their instance and result, which only downloads, verification
        and the engine read."""
        return self.defer(*BLOB_FIELDS)


class MatchRun(Job):
    """One run of the matching engine over a round: its exact input, seed and result are kept
    so that anyone can re-run and verify it. A background job (lis1.jobs): at most one main
    or follow-up run of a round is queued or running at a time, enforced by the database."""

    job_task_name = "lis1.rounds.tasks.match_run_task"
    job_task_kwarg = "match_run_id"

    objects = MatchRunQuerySet.as_manager()

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="match_runs"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=MatchRunKind.choices, default=MatchRunKind.MAIN
    )
    seed = models.BigIntegerField(_("seed"))
    engine_version = models.CharField(_("engine version"), max_length=40, blank=True)
    input_sha256 = models.CharField(_("input SHA-256"), max_length=64, blank=True)
    # Canonical JSON text, kept byte for byte so the download hashes to input_sha256.
    instance_json = models.TextField(_("instance"), blank=True)
    result_json = models.TextField(_("result"), blank=True)
    statistics = models.JSONField(_("statistics"), default=dict, blank=True)
    stable = models.BooleanField(_("stable"), null=True)
    # What the run's page shows of the result, stored at write time so that the page never
    # reads the result document (megabytes) for it.
    blocking_pairs_count = models.PositiveIntegerField(_("blocking pairs"), null=True, blank=True)
    blocking_pairs_preview = models.JSONField(_("first blocking pairs"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    load_ms = models.PositiveIntegerField(_("load time (ms)"), null=True, blank=True)
    engine_ms = models.PositiveIntegerField(_("engine time (ms)"), null=True, blank=True)
    write_ms = models.PositiveIntegerField(_("write time (ms)"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_ok = models.BooleanField(_("verification passed"), null=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Publishing while positions lack a submitted ranking needs a stated reason, kept here and
    # in the round's log.
    publish_reason = models.TextField(_("reason given for publishing"), blank=True)
    # Offers of a follow-up run are answered by their own deadline (set when published); a
    # main run's offers by the round's answer deadline (None here).
    answer_deadline = models.DateTimeField(_("answer deadline"), null=True, blank=True)
    # The run this one repeats (same kind and seed) after it failed.
    rerun_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=Q(published_at__isnull=False, kind=MatchRunKind.MAIN),
                name="match_run_one_published_main_per_round",
            ),
            # Four staff pressing start at once give one run: the insert of the others fails.
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=ACTIVE) & ~Q(kind=MatchRunKind.DIRECT_OFFER),
                name="match_run_one_active_per_round",
                violation_error_message=_(
                    "Another match run of this round is queued or running: wait for it to finish."
                ),
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status=JobStatus.SUCCEEDED),
                name="match_run_only_succeeded_published",
                violation_error_message=_("Only a successful match run can be published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()} #{self.pk}"


class MatchRunCheck(Job):
    """A verification of a match run, as a background job: re-run the engine on the stored
    instance, compare byte for byte, run the verifier and compare with the placements."""

    job_task_name = "lis1.rounds.tasks.match_run_check_task"
    job_task_kwarg = "check_id"

    match_run = models.ForeignKey(
        MatchRun, verbose_name=_("match run"), on_delete=models.CASCADE, related_name="checks"
    )
    problems = models.JSONField(_("problems found"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("match run check")
        verbose_name_plural = _("match run checks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["match_run"],
                condition=Q(status__in=ACTIVE),
                name="match_run_check_one_active_per_run",
                violation_error_message=_("This run is being verified already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_run} check #{self.pk}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Placement(models.Model):
    """An applicant placed in a position by a match run (or offered a vacant seat directly),
    with the applicant's answer."""

    match_run = models.ForeignKey(
        MatchRun,
        verbose_name=_("match run"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="placements"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="placements"
    )
    choice_rank = models.PositiveSmallIntegerField(
        _("applicant's rank of the position"), null=True, blank=True
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality (within an area)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("answer"), max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.OFFERED
    )
    # Only a direct offer carries its own deadline; see Placement.deadline.
    answer_deadline = models.DateTimeField(_("answer deadline"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("end recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)
    # Hired: the employer has confirmed the day the doctor started (see placement_start).
    started_on = models.DateField(_("started on"), null=True, blank=True)
    start_recorded_at = models.DateTimeField(_("start recorded"), null=True, blank=True)
    start_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("start recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["match_run", "position", "applicant"]
        constraints = [
            models.UniqueConstraint(
                fields=["match_run", "applicant"], name="placement_one_per_applicant_per_run"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[PlacementStatus.OFFERED, PlacementStatus.EXPIRED])
                | Q(answered_at__isnull=False),
                name="placement_answer_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ENDED) | Q(ended_at__isnull=False),
                name="placement_end_has_time",
            ),
            # Only a doctor who accepted can have started (and may have left since).
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(status__in=[PlacementStatus.ACCEPTED, PlacementStatus.LEFT]),
                name="placement_start_needs_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.position}"

    @property
    def deadline(self):
        """The offer's answer deadline: a direct offer's own, else its run's (a follow-up run
        sets one when published), else the round's (the main match)."""
        run = self.match_run
        return self.answer_deadline or run.answer_deadline or run.round.answer_deadline
