"""Models only employer staff use: interview notes, private to the trust, and the record of
vacant seats offered directly from the trust's ranked list after the match."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lis1.rounds.models import Applicant, Application, Placement, Position


class InterviewNote(models.Model):
    """The hiring committee's note about one application. Only staff of the position's
    employer see it (never the applicant, the municipality or another trust)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="interview_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="interview_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.created_at:%Y-%m-%d}"


class VacancyFill(models.Model):
    """One step of filling a vacant seat after the round: the next acceptable unplaced
    applicant on the trust's list is offered the seat (a Placement with an answer deadline,
    in a published match run of its own), recorded with who did it and when."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="vacancy_fills"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    placement = models.OneToOneField(
        Placement, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="vacancy_fill"
    )
    list_rank = models.PositiveIntegerField(_("place on the ranked list"))
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    answer_deadline = models.DateTimeField(_("answer deadline"))

    class Meta:
        verbose_name = _("vacancy fill")
        verbose_name_plural = _("vacancy fills")
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_deadline__gt=models.F("offered_at")),
                name="vacancy_fill_deadline_after_offer",
                violation_error_message=_("The answer deadline must be after the offer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} → {self.applicant}"
