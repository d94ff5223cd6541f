"""Models only the municipal side uses: the municipality's review of an employer's ranking,
municipal places in an area, the placed doctors' lists of the area's municipalities, and the
municipal placement runs (random serial dictatorship with a recorded seed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis1.jobs.models import Job
from lis1.rounds.enums import OrganisationKind
from lis1.rounds.models import MunicipalArea, Organisation, Placement, Position, Round


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    COMMENTED = "commented", _("Commented")


class RankingReview(models.Model):
    """A municipality's approval of (or comment on) the employer's ranking of a position whose
    municipal part is theirs. Kept as a history: the newest per municipality counts."""

    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        related_name="ranking_reviews",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    # The ranking as it stood when reviewed, so an approval names exactly what was approved.
    ranking_snapshot = models.JSONField(_("ranking reviewed"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("ranking review")
        verbose_name_plural = _("ranking reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.APPROVED) | ~Q(comment=""),
                name="ranking_review_comment_given",
                violation_error_message=_("A comment needs a text."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} · {self.municipality} · {self.get_decision_display()}"


class MunicipalPlaces(models.Model):
    """How many LIS1 doctors a municipality of an area takes for one start date."""

    area = models.ForeignKey(
        MunicipalArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="places"
    )
    municipality = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    places = models.PositiveSmallIntegerField(_("places"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("municipal places")
        verbose_name_plural = _("municipal places")
        ordering = ["area", "start_date", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "municipality", "start_date"], name="municipal_places_unique"
            ),
            models.CheckConstraint(condition=Q(places__lte=100), name="municipal_places_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start_date}: {self.places}"


class MunicipalityPreference(models.Model):
    """One entry of a placed doctor's list of the area's municipalities (1 = most wanted)."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="municipality_preferences",
    )
    municipality = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("municipality preference")
        verbose_name_plural = _("municipality preferences")
        ordering = ["placement", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "rank"], name="municipality_preference_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["placement", "municipality"], name="municipality_preference_unique"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="municipality_preference_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} #{self.rank}: {self.municipality}"


class MunicipalPlacementRun(Job):
    """A random serial dictatorship over an area's placed doctors for one start date; the
    instance (lis1-rsd/1), its SHA-256, the seed and the result are kept for anyone to re-run.
    A background job (lis1.jobs)."""

    job_task_name = "municipalities.tasks.municipal_placement_task"
    job_task_kwarg = "run_id"

    area = models.ForeignKey(
        MunicipalArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="placement_runs",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    seed = models.BigIntegerField(_("seed"))
    instance_json = models.TextField(_("instance"), blank=True)
    result_json = models.TextField(_("result"), blank=True)
    input_sha256 = models.CharField(_("input SHA-256"), max_length=64, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("municipal placement run")
        verbose_name_plural = _("municipal placement runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seed__gte=0), name="municipal_run_seed_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.start_date} #{self.pk}"


class NoPlaceReason(models.TextChoices):
    """Why a doctor of a run got no municipality (derived from the run's recorded input and
    result, not stored)."""

    NO_WISH_LIST = "no_wish_list", _("No wish list")
    CHOICES_FULL = "choices_full", _("Every municipality on the list was full")


class MunicipalAssignment(models.Model):
    """Where one doctor goes in a run (no municipality: every listed place was taken)."""

    run = models.ForeignKey(
        MunicipalPlacementRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("drawn order"))

    class Meta:
        verbose_name = _("municipal assignment")
        verbose_name_plural = _("municipal assignments")
        ordering = ["run", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "placement"], name="municipal_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["run", "order"], name="municipal_assignment_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.order}"
