"""The document library: store, replace and delete the applicant's PDFs, and choose which go
with an application. Files are removed from disk only after the database change commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from applicants.models import ApplicationDocument, Document
from lis1.rounds.enums import ApplicationStatus
from lis1.rounds.models import Applicant, Application
from lis1.rounds.services.applications import ApplicationError


def _delete_file_on_commit(name: str, storage) -> None:
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_create(
    *, applicant: Applicant, kind: str, title: str, upload: UploadedFile
) -> Document:
    document = Document(
        applicant=applicant,
        kind=kind,
        title=title.strip() or (upload.name or "")[:200],
        original_name=(upload.name or "")[:255],
        size=upload.size or 0,
    )
    document.file.save("upload.pdf", upload, save=False)
    document.save()
    return document


@transaction.atomic
def document_replace(*, document: Document, upload: UploadedFile) -> Document:
    """A new version of the file; applications it is attached to get the new version."""
    old = document.file.name
    document.original_name = (upload.name or "")[:255]
    document.size = upload.size or 0
    document.file.save("upload.pdf", upload, save=False)
    document.save()
    _delete_file_on_commit(old, document.file.storage)
    return document


def document_in_use(document: Document) -> bool:
    """Sent with a submitted application in a round still running: employers rely on it."""
    return (
        document.attachments.filter(
            application__status=ApplicationStatus.SUBMITTED,
        )
        .filter(application__position__round__closed_at__isnull=True)
        .exists()
    )


@transaction.atomic
def document_delete(*, document: Document) -> None:
    if document_in_use(document):
        raise ApplicationError(
            _(
                "This document was sent with an application in a running round. "
                "Replace it with a new version or withdraw the application first."
            )
        )
    name, storage = document.file.name, document.file.storage
    document.delete()
    _delete_file_on_commit(name, storage)


@transaction.atomic
def application_documents_set(*, application: Application, documents: Iterable[Document]) -> None:
    """Choose the documents that go with an application (the applicant's own only)."""
    chosen = [d for d in documents if d.applicant_id == application.applicant_id]
    ApplicationDocument.objects.filter(application=application).exclude(
        document__in=chosen
    ).delete()
    existing = set(
        ApplicationDocument.objects.filter(application=application).values_list(
            "document_id", flat=True
        )
    )
    ApplicationDocument.objects.bulk_create(
        ApplicationDocument(application=application, document=d)
        for d in chosen
        if d.pk not in existing
    )
