"""Uploaded PDFs are parsed: one carrying JavaScript, automatic actions, a launch action or an
embedded file, or one that does not parse (HTML behind a `%PDF-` header, a truncated file), is
refused with a message naming the problem, through the page and the API alike, and nothing
is stored. The documents are built in the test with pypdf."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)
from rest_framework.test import APIClient

from applicants.forms import PDF_PROBLEM_MESSAGES
from applicants.models import Document
from applicants.pdfs import PdfProblem, pdf_problem
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _written(build: Callable[[PdfWriter], None] | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build is not None:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript_action() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )


def _open_action_javascript(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_javascript_action())


def _additional_action(writer: PdfWriter) -> None:
    # A page's "on open" action: /AA runs without the reader clicking anything.
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): writer._add_object(_javascript_action())}
    )


def _javascript_name_tree(writer: PdfWriter) -> None:
    names = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("hello"), writer._add_object(_javascript_action())]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )


def _launch(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
    )


def _embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("payload.exe", b"MZ not really a program")


CLEAN = _written()
HOSTILE = {
    "open-action-javascript": (_written(_open_action_javascript), PdfProblem.JAVASCRIPT),
    "additional-action": (_written(_additional_action), PdfProblem.JAVASCRIPT),
    "javascript-name-tree": (_written(_javascript_name_tree), PdfProblem.JAVASCRIPT),
    "launch": (_written(_launch), PdfProblem.LAUNCH),
    "embedded-file": (_written(_embedded_file), PdfProblem.EMBEDDED_FILES),
    "html-behind-header": (
        b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n",
        PdfProblem.NOT_PARSEABLE,
    ),
    "truncated": (CLEAN[: len(CLEAN) // 2], PdfProblem.NOT_PARSEABLE),
}


def test_clean_pdf_has_no_problem() -> None:
    assert pdf_problem(CLEAN) is None


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_pdf_is_named(name: str) -> None:
    data, problem = HOSTILE[name]
    assert pdf_problem(data) == problem


def test_clean_pdf_is_stored_through_the_page_and_the_api(me) -> None:  # type: ignore[no-untyped-def]
    response = client_for(me.user).post(
        reverse("applicants:documents"),
        {"kind": "cv", "title": "CV", "file": SimpleUploadedFile("cv.pdf", CLEAN)},
    )
    assert response.status_code == 302
    api = APIClient()
    api.force_authenticate(me.user)
    created = api.post(
        "/api/applicant/documents/",
        {"kind": "cv", "title": "CV 2", "file": SimpleUploadedFile("cv.pdf", CLEAN)},
        format="multipart",
    )
    assert created.status_code == 201
    assert Document.objects.filter(applicant=me).count() == 2


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pdf_refused_through_the_page(me, name: str, settings) -> None:  # type: ignore[no-untyped-def]
    data, problem = HOSTILE[name]
    client = client_for(me.user)
    client.cookies["lis1_language"] = "en"
    response = client.post(
        reverse("applicants:documents"),
        {"kind": "cv", "title": "x", "file": SimpleUploadedFile("cv.pdf", data)},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()["file"]
    assert [error.code for error in errors] == [problem.value]
    with translation.override("en"):
        message = str(PDF_PROBLEM_MESSAGES[problem])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Document.objects.count() == 0
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(me.pk)
    assert not folder.exists() or not any(folder.iterdir())  # no file left on disk either


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pdf_refused_through_the_api(me, name: str) -> None:  # type: ignore[no-untyped-def]
    data, problem = HOSTILE[name]
    api = APIClient()
    api.force_authenticate(me.user)
    api.cookies["lis1_language"] = "en"
    with translation.override("en"):
        message = str(PDF_PROBLEM_MESSAGES[problem])
    response = api.post(
        "/api/applicant/documents/",
        {"kind": "cv", "title": "x", "file": SimpleUploadedFile("cv.pdf", data)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert Document.objects.count() == 0


def test_replacing_with_a_hostile_pdf_keeps_the_old_file(me) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import DocumentFactory

    document = DocumentFactory(applicant=me)
    before = document.file.name
    data, _problem = HOSTILE["launch"]
    response = client_for(me.user).post(
        reverse("applicants:document_replace", args=[document.pk]),
        {"file": SimpleUploadedFile("cv.pdf", data)},
    )
    assert response.status_code == 400
    document.refresh_from_db()
    assert document.file.name == before


def test_messages_are_translated() -> None:
    for problem, message in PDF_PROBLEM_MESSAGES.items():
        with translation.override("nb"):
            bokmal = str(message)
        with translation.override("nn"):
            nynorsk = str(message)
        with translation.override("en"):
            english = str(message)
        assert bokmal != english, problem
        assert nynorsk != english, problem
