"""The document library: PDF by content, at most 10 MB, served only to the owner and to the
employers the document was sent to."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.models import ApplicationDocument, Document
from tests.conftest import client_for
from tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    MembershipFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_pdf_stores_it_under_media_root(me, settings) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).post(
        reverse("applicants:documents"),
        {"kind": "cv", "title": "Min CV", "file": _upload(pdf_bytes())},
    )
    assert response.status_code == 302
    document = Document.objects.get(applicant=me)
    assert document.title == "Min CV"
    assert document.size == len(pdf_bytes())
    assert str(settings.MEDIA_ROOT) in document.file.path
    assert document.file.name.startswith(f"documents/{me.pk}/")
    assert "cv.pdf" not in document.file.name  # the user's file name never reaches the disk


def test_upload_refuses_non_pdf_named_pdf(me) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).post(
        reverse("applicants:documents"),
        {"kind": "cv", "title": "x", "file": _upload(b"<html><script>alert(1)</script></html>")},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    assert Document.objects.count() == 0


def test_upload_refuses_file_larger_than_10_mb(me) -> None:  # type: ignore[no-untyped-def]
    big = pdf_bytes() + b"%" + b"0" * (10 * 1024 * 1024)
    response = client_for(me.user).post(
        reverse("applicants:documents"), {"kind": "cv", "title": "x", "file": _upload(big)}
    )
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["too_large"]


def test_replace_swaps_the_file_and_removes_the_old_one(
    me, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    document = DocumentFactory(applicant=me)
    old_path = Path(document.file.path)
    new = pdf_bytes("version two")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(me.user).post(
            reverse("applicants:document_replace", args=[document.pk]), {"file": _upload(new)}
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.read() == new
    assert document.size == len(new)
    assert not old_path.exists()


def test_delete_asks_for_confirmation_then_deletes(me) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    client = client_for(me.user)
    url = reverse("applicants:document_delete", args=[document.pk])
    assert client.get(url).status_code == 200
    assert Document.objects.filter(pk=document.pk).exists()
    assert client.post(url).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_delete_refused_while_sent_with_a_submitted_application(me) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    application = ApplicationFactory(applicant=me)
    ApplicationDocument.objects.create(application=application, document=document)
    client_for(me.user).post(reverse("applicants:document_delete", args=[document.pk]))
    assert Document.objects.filter(pk=document.pk).exists()


def test_download_by_owner_is_an_attachment_with_nosniff(me) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me, title="Min CV")
    response = client_for(me.user).get(reverse("applicants:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="min-cv.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_download_by_employer_staff_the_document_was_sent_to(me, trust) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    application = ApplicationFactory(applicant=me, position__employer=trust)
    ApplicationDocument.objects.create(application=application, document=document)
    staff = MembershipFactory(organisation=trust).user
    url = reverse("applicants:document_download", args=[document.pk])
    assert client_for(staff).get(url).status_code == 200


def test_download_refused_to_employer_not_sent_to(me, trust, other_trust) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    ApplicationFactory(applicant=me, position__employer=trust)  # applied, document not attached
    application = ApplicationFactory(applicant=me, position__employer=other_trust)
    ApplicationDocument.objects.create(application=application, document=document)
    staff = MembershipFactory(organisation=trust).user
    url = reverse("applicants:document_download", args=[document.pk])
    assert client_for(staff).get(url).status_code == 404


def test_download_refused_to_another_applicant(me, other_applicant) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    url = reverse("applicants:document_download", args=[document.pk])
    assert client_for(other_applicant.user).get(url).status_code == 404


def test_download_requires_log_in(me, client) -> None:  # type: ignore[no-untyped-def]
    document = DocumentFactory(applicant=me)
    response = client.get(reverse("applicants:document_download", args=[document.pk]))
    assert response.status_code == 302
