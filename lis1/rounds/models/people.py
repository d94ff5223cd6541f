"""Applicants, their applications and both sides' rankings, and couples."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis1.rounds import identity
from lis1.rounds.eligibility import (
    HOSPITAL_MONTHS,
    MUNICIPAL_MONTHS,
    PRIOR_SERVICE_MESSAGE,
    part_needed,
    prior_service_in_range_q,
)
from lis1.rounds.enums import (
    ApplicationStatus,
    AuthorisationStatus,
    CoupleStatus,
    Gender,
    NorwegianProficiency,
)
from lis1.rounds.models.rounds import Position, Round

hpr_validator = RegexValidator(
    r"^[0-9]{1,9}$", _("An HPR number has only digits (at most nine)."), code="hpr_digits"
)
country_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use a two-letter country code (ISO 3166), e.g. NO."), code="country"
)

#: LIS1 has had two rounds a year since 2013: more declared earlier rounds is a typing error.
MAX_ROUNDS_BEFORE_SYSTEM = 20


class Applicant(models.Model):
    """A doctor applying for LIS1: identity, eligibility and history.

    The national identity number is kept only encrypted, with a keyed hash for look-up and
    uniqueness; pages show at most its birth-date part (see `identity`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="applicant",
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    national_id_encrypted = models.TextField(_("national identity number (encrypted)"), blank=True)
    # NULL (not "") when absent, so that the unique constraint ignores applicants without one.
    national_id_hash = models.CharField(  # noqa: DJ001
        _("national identity number (keyed hash)"), max_length=64, null=True, blank=True
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    is_d_number = models.BooleanField(_("D-number"), default=False)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.UNSPECIFIED
    )
    hpr_number = models.CharField(
        _("HPR number"), max_length=9, blank=True, validators=[hpr_validator]
    )
    authorisation = models.CharField(
        _("authorisation or licence"),
        max_length=12,
        choices=AuthorisationStatus.choices,
        default=AuthorisationStatus.NONE,
    )
    nationality = models.CharField(
        _("nationality"), max_length=2, blank=True, validators=[country_validator]
    )
    education_country = models.CharField(
        _("country of medical education"), max_length=2, blank=True, validators=[country_validator]
    )
    education_year = models.PositiveSmallIntegerField(
        _("year of medical degree"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    norwegian_proficiency = models.CharField(
        _("Norwegian language proficiency"),
        max_length=10,
        choices=NorwegianProficiency.choices,
        blank=True,
    )
    prior_hospital_months = models.PositiveSmallIntegerField(
        _("LIS1 months done in hospital"),
        default=0,
        validators=[MaxValueValidator(HOSPITAL_MONTHS)],
    )
    prior_municipal_months = models.PositiveSmallIntegerField(
        _("LIS1 months done in a municipality"),
        default=0,
        validators=[MaxValueValidator(MUNICIPAL_MONTHS)],
    )
    # Rounds before this system kept its records, as the applicant declares them; the rounds
    # applied in since are counted from the applications (lis1.reports.queries).
    rounds_before_system = models.PositiveSmallIntegerField(
        _("LIS1 rounds applied in before this system"),
        default=0,
        validators=[MaxValueValidator(MAX_ROUNDS_BEFORE_SYSTEM)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_hash"],
                name="applicant_national_id_unique",
                violation_error_message=_("An applicant with this identity number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(hpr_number="") | Q(hpr_number__regex=r"^[0-9]{1,9}$"),
                name="applicant_hpr_digits_only",
                violation_error_message=_("An HPR number has only digits (at most nine)."),
            ),
            models.UniqueConstraint(
                fields=["hpr_number"],
                condition=~Q(hpr_number=""),
                name="applicant_hpr_unique",
                violation_error_message=_("An applicant with this HPR number already exists."),
            ),
            models.CheckConstraint(
                condition=prior_service_in_range_q(),
                name="applicant_prior_service_in_range",
                violation_error_message=PRIOR_SERVICE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(national_id_hash__isnull=True) | ~Q(national_id_encrypted=""),
                name="applicant_national_id_hash_with_value",
            ),
            models.CheckConstraint(
                condition=Q(rounds_before_system__lte=MAX_ROUNDS_BEFORE_SYSTEM),
                name="applicant_rounds_before_system_in_range",
                violation_error_message=_(
                    "Rounds applied in before this system: a number from 0 to 20."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def set_national_id(self, number: str) -> None:
        """Store a validated number in its encrypted, hashed and birth-date forms."""
        identity.validate_identity_number(number)
        self.national_id_encrypted = identity.encrypt_identity_number(number)
        self.national_id_hash = identity.hash_identity_number(number)
        self.birth_date = identity.birth_date_of(number)
        self.is_d_number = identity.is_d_number(number)

    @property
    def national_id(self) -> str:
        """The clear number: for the applicant's own profile and exports to authorities only."""
        if not self.national_id_encrypted:
            return ""
        return identity.decrypt_identity_number(self.national_id_encrypted)

    def national_id_masked(self, *, show_birth_date: bool = False) -> str:
        return identity.mask_identity_number(self.birth_date, show_birth_date=show_birth_date)

    @property
    def kind_needed(self) -> str | None:
        """The kind of position this applicant can still be placed in (None: LIS1 done)."""
        return part_needed(
            prior_hospital_months=self.prior_hospital_months,
            prior_municipal_months=self.prior_municipal_months,
        )

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Application(models.Model):
    """An applicant's application to one position, with a short motivation."""

    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="applications"
    )
    motivation = models.TextField(_("motivation"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # A default rather than auto_now_add, so imports and the demo can record the real time.
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "position"],
                name="application_unique_per_position",
                violation_error_message=_("You have already applied to this position."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="application_withdrawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.position}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ApplicantRanking(models.Model):
    """One entry of an applicant's ordered list of positions in a round (1 = most wanted)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="applicant_rankings"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="rankings"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        related_name="applicant_rankings",
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("applicant's ranking entry")
        verbose_name_plural = _("applicants' rankings")
        ordering = ["round", "applicant", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "applicant", "rank"],
                name="applicant_ranking_unique_rank",
                # Checked at the end of each statement, so that one UPDATE can renumber a
                # list (lis1.rounds.services.ordered).
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.UniqueConstraint(
                fields=["applicant", "position"], name="applicant_ranking_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="applicant_ranking_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} #{self.rank}: {self.position}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class EmployerRanking(models.Model):
    """One entry of the employer's ordered list of applicants for a position (1 = first choice).

    Applicants left off the list are not acceptable to the position.
    """

    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.CASCADE,
        related_name="employer_rankings",
    )
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="employer_rankings",
    )
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        verbose_name = _("employer's ranking entry")
        verbose_name_plural = _("employers' rankings")
        ordering = ["position", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "rank"],
                name="employer_ranking_unique_rank",
                # Checked at the end of each statement, so that one UPDATE can renumber a
                # list (lis1.rounds.services.ordered).
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.UniqueConstraint(
                fields=["position", "applicant"], name="employer_ranking_unique_applicant"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="employer_ranking_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position} #{self.rank}: {self.applicant}"


class Couple(models.Model):
    """Two applicants who rank pairs of positions together in a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="couples"
    )
    first = models.ForeignKey(
        Applicant, verbose_name=_("inviting applicant"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Applicant, verbose_name=_("invited applicant"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CoupleStatus.choices, default=CoupleStatus.INVITED
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("couple")
        verbose_name_plural = _("couples")
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=F("second")),
                name="couple_two_different_applicants",
                violation_error_message=_("A couple is two different applicants."),
            ),
            models.UniqueConstraint(
                fields=["round", "first"],
                condition=~Q(status=CoupleStatus.DISSOLVED),
                name="couple_first_once_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "second"],
                condition=~Q(status=CoupleStatus.DISSOLVED),
                name="couple_second_once_per_round",
            ),
            models.CheckConstraint(
                condition=~Q(status=CoupleStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="couple_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} & {self.second}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CouplePreference(models.Model):
    """One entry of a couple's joint list: a pair of positions (a side may be empty, meaning
    that member stays unplaced)."""

    couple = models.ForeignKey(
        Couple, verbose_name=_("couple"), on_delete=models.CASCADE, related_name="preferences"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    first_position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    second_position = models.ForeignKey(
        Position, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("couple's ranking entry")
        verbose_name_plural = _("couples' rankings")
        ordering = ["couple", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["couple", "rank"],
                name="couple_preference_unique_rank",
                # Checked at the end of each statement, so that one UPDATE can renumber a
                # list (lis1.rounds.services.ordered).
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.UniqueConstraint(
                fields=["couple", "first_position", "second_position"],
                name="couple_preference_unique_pair",
            ),
            models.CheckConstraint(
                condition=Q(first_position__isnull=False) | Q(second_position__isnull=False),
                name="couple_preference_not_both_empty",
                violation_error_message=_("At least one of the pair must get a position."),
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="couple_preference_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.couple} #{self.rank}"

    @property
    def key(self) -> str:
        """The pair as the couple's page names it in its forms: "12-34", "12-" or "-34"."""
        return f"{self.first_position_id or ''}-{self.second_position_id or ''}"

    @staticmethod
    def pair_of_key(key: str) -> tuple[int | None, int | None]:
        """The (first, second) position ids of a `key`; ValueError when it is not one."""
        first, sep, second = key.partition("-")
        if not sep or not (first or second):
            raise ValueError(f"not a pair: {key!r}")
        return (int(first) if first else None, int(second) if second else None)
