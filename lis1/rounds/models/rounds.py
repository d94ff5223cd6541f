"""A round and the 18-month positions advertised in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import (
    EMPLOYER_KINDS,
    OrganisationKind,
    PositionKind,
    PositionStatus,
    Rotation,
    RoundEventKind,
    RoundPhase,
    Season,
)
from lis1.rounds.models.organisations import MunicipalArea, Organisation

# The calendar of a round, in the order the dates must follow.
CALENDAR_FIELDS = (
    "advertising_opens",
    "applications_open",
    "applications_close",
    "ranking_deadline",
    "match_date",
    "results_published",
    "answer_deadline",
    "start_date",
)


class Round(models.Model):
    """A national application round (spring hires for 1 September, autumn for 1 March)."""

    season = models.CharField(_("season"), max_length=6, choices=Season.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    slug = models.SlugField(_("slug"), max_length=32, unique=True)
    advertising_opens = models.DateTimeField(_("positions published"))
    applications_open = models.DateTimeField(_("applications open"))
    applications_close = models.DateTimeField(_("application deadline"))
    ranking_deadline = models.DateTimeField(_("ranking deadline"))
    match_date = models.DateTimeField(_("match run"))
    results_published = models.DateTimeField(_("results published"))
    answer_deadline = models.DateTimeField(_("answer deadline"))
    start_date = models.DateField(_("start date"))
    is_demo = models.BooleanField(
        _("demo round"), default=False, help_text=_("Built by seed_demo; rebuilt by --replace.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The decisions people take; the phase is derived from these and the calendar by
    # lis1.rounds.calendar. Results are published when the main match run is (same
    # transaction); follow-up and closing are the directorate's own steps.
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    follow_up_opened_at = models.DateTimeField(_("follow-up opened"), null=True, blank=True)
    follow_up_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-up opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year", "-season"]
        constraints = [
            models.UniqueConstraint(fields=["season", "year"], name="round_unique_season_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="round_year_plausible",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(
                    applications_open__gte=F("advertising_opens"),
                    applications_close__gt=F("applications_open"),
                    ranking_deadline__gt=F("applications_close"),
                    match_date__gte=F("ranking_deadline"),
                    results_published__gte=F("match_date"),
                    answer_deadline__gt=F("results_published"),
                    start_date__gt=F("answer_deadline__date"),
                ),
                name="round_calendar_in_order",
                violation_error_message=_(
                    "The round's dates must follow each other: positions published, applications "
                    "open, application deadline, ranking deadline, match run, results published, "
                    "answer deadline, start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_opened_at__isnull=True) | Q(published_at__isnull=False),
                name="round_follow_up_after_publication",
                violation_error_message=_("Follow-up opens only after the results are published."),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(published_at__isnull=False),
                name="round_closed_after_publication",
                violation_error_message=_("A round closes only after its results are published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_season_display()} {self.year}"

    @property
    def phase(self) -> RoundPhase:
        """Where the round is now (lis1.rounds.calendar derives it)."""
        from lis1.rounds.calendar import round_phase

        return round_phase(self)

    @property
    def results_are_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class RoundEvent(models.Model):
    """One decision or change in a round's life, with who took it and why: the round's log,
    shown on its page and in the audit history (on every database, not only PostgreSQL)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=20, choices=RoundEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    # What changed, as plain data: {"field": ..., "old": ..., "new": ...} for a calendar change,
    # {"match_run": id, "positions_without_ranking": n} for a publication, and so on.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["round", "-at"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_kind_display()}"


class Position(models.Model):
    """One LIS1 advertisement: identical 18-month posts with a seat count.

    12 months in the hospital (at one or two sites, two- or three-part rotation), then 6 in the
    municipal part: one municipality, or an area whose municipalities are allocated later.
    Hospital-only and municipality-only positions serve doctors who miss only one part.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="positions"
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="positions",
        limit_choices_to={"kind__in": EMPLOYER_KINDS},
    )
    reference = models.CharField(_("reference"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PositionKind.choices, default=PositionKind.FULL
    )
    rotation = models.CharField(_("rotation"), max_length=12, choices=Rotation.choices, blank=True)
    sites = models.ManyToManyField(
        Organisation,
        verbose_name=_("hospital sites"),
        related_name="site_positions",
        blank=True,
        limit_choices_to={"kind": OrganisationKind.HOSPITAL_SITE},
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipal_positions",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    municipal_area = models.ForeignKey(
        MunicipalArea,
        verbose_name=_("municipal area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    start_date = models.DateField(_("start date"))
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    description = models.TextField(_("description"), blank=True)
    alis_url = models.URLField(
        _("link to later ALIS training"),
        blank=True,
        help_text=_("Optional: general-practice training (ALIS) offered after the position."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PositionStatus.choices, default=PositionStatus.DRAFT
    )
    # The employer's ranking is submitted (and the municipality may approve it); a change to
    # the list afterwards clears the submission, so what was approved is what is submitted.
    ranking_submitted_at = models.DateTimeField(_("ranking submitted"), null=True, blank=True)
    ranking_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ranking submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["round", "employer__name", "reference"]
        indexes = [models.Index(fields=["round", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reference"], name="position_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="position_seats_at_least_one",
                violation_error_message=_("A position has at least one seat."),
            ),
            models.CheckConstraint(
                condition=~Q(municipality__isnull=False, municipal_area__isnull=False),
                name="position_one_municipality_or_area",
                violation_error_message=_("Choose either one municipality or an area, not both."),
            ),
            models.CheckConstraint(
                condition=Q(kind=PositionKind.HOSPITAL_ONLY)
                | Q(municipality__isnull=False)
                | Q(municipal_area__isnull=False),
                name="position_municipal_part_given",
                violation_error_message=_(
                    "A position with a municipal part needs a municipality or an area."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=PositionKind.HOSPITAL_ONLY)
                | Q(municipality__isnull=True, municipal_area__isnull=True),
                name="position_hospital_only_no_municipality",
                violation_error_message=_("A hospital-only position has no municipal part."),
            ),
            models.CheckConstraint(
                condition=Q(kind=PositionKind.MUNICIPALITY_ONLY) | ~Q(rotation=""),
                name="position_rotation_given",
                violation_error_message=_("A position with a hospital part needs a rotation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


# What an employer writes in a position, declared once: the employer's form, the CSV columns,
# the serializers and the writer (lis1.rounds.services.positions.position_save) all read it, in
# this order. `sites` is a relation, written beside the row. Every other field of the model is
# the system's (where the position belongs, its status and times), listed below; a test holds
# that each field of Position is in exactly one of the two, so a new field cannot be left out.
POSITION_FIELDS = (
    "reference",
    "title",
    "kind",
    "rotation",
    "sites",
    "municipality",
    "municipal_area",
    "start_date",
    "seats",
    "description",
    "alis_url",
)
POSITION_SYSTEM_FIELDS = (
    "id",
    "round",
    "employer",
    "status",
    "ranking_submitted_at",
    "ranking_submitted_by",
    "created_at",
    "updated_at",
)


class SeatAddition(models.Model):
    """Extra seats given to a position after its round's results are published (the
    directorate's proposal 1). The position's seat count includes them; this row records how
    many, why, by whom and when, for the report's follow-up section."""

    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        related_name="seat_additions",
    )
    seats = models.PositiveSmallIntegerField(_("extra seats"))
    reason = models.TextField(_("reason"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("seat addition")
        verbose_name_plural = _("seat additions")
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1, seats__lte=50),
                name="seat_addition_between_1_and_50",
                violation_error_message=_("Add between 1 and 50 seats at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} +{self.seats}"
