"""Models only the applicant's side uses: the document library and which documents go with
each application. Files live under MEDIA_ROOT, which no static handler serves; the only way
to read one is the download view, which checks `can_view_document`."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from lis1.rounds.models import Applicant, Application

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    DIPLOMA = "diploma", _("Diploma")
    AUTHORISATION = "authorisation", _("Authorisation or licence")
    REFERENCE = "reference", _("Reference")
    OTHER = "other", _("Other")


def document_path(instance: Document, filename: str) -> str:
    # A random name: the applicant's file name never reaches the file system.
    return f"documents/{instance.applicant_id}/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """A PDF in the applicant's library, kept once and attached to any number of applications."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0, size__lte=MAX_DOCUMENT_BYTES),
                name="document_size_in_range",
                violation_error_message=_("A document is at most 10 MB."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationDocument(models.Model):
    """A document chosen to go with an application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "document"], name="application_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.document}"
