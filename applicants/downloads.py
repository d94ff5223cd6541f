"""A stored document as a download: one response, given by the page and the API alike (each
checks who may see the document first)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.text import slugify

from applicants.models import Document


def document_file_response(document: Document) -> FileResponse:
    """The PDF as an attachment that no browser renders inline or runs; 404 when the file
    is gone from storage."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(document.title) or 'document'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
