"""What an uploaded PDF may contain. Applicants' documents are handed to employers, whose PDF
viewers would run a document's JavaScript, launch actions and attachments: a PDF carrying any
of them, or one that does not parse as a PDF at all (HTML behind a `%PDF-` header, a truncated
file), is refused. Pure: bytes in, the problem (or None) out."""

from __future__ import annotations

import enum
import io
import logging

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject


class PdfProblem(enum.StrEnum):
    """Why a PDF is refused; the value is the validation error's code."""

    NOT_PARSEABLE = "pdf_not_parseable"
    JAVASCRIPT = "pdf_javascript"
    LAUNCH = "pdf_launch"
    EMBEDDED_FILES = "pdf_embedded_files"


# Keys that hold scripts or actions a viewer runs by itself: document-level JavaScript (the
# /JavaScript name tree, /JS of an action) and additional actions (/AA: on open, close, page
# view, field change, ...), which exist to trigger behaviour without the reader's click.
_SCRIPT_KEYS = {"/JS", "/JavaScript", "/AA"}
# The /EmbeddedFiles name tree, and /EF: a file specification's embedded file stream.
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}


# pypdf warns, through logging, about each detail it repairs in a damaged file: an upload's
# problem is the applicant's message, not a log line.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_problem(data: bytes) -> PdfProblem | None:
    """The first reason to refuse the document, or None when it is a plain PDF."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) == 0:
            return PdfProblem.NOT_PARSEABLE
        return _walk(reader.trailer)
    except Exception:  # pypdf raises many kinds on hostile input: each means "not a PDF"
        return PdfProblem.NOT_PARSEABLE


def _walk(root: PdfObject) -> PdfProblem | None:
    """Every object reachable from the trailer, each once (objects may refer in cycles)."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = node.get_object()
            if resolved is None:
                continue
            node = resolved
        if isinstance(node, DictionaryObject):
            problem = _dictionary_problem(node)
            if problem is not None:
                return problem
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _dictionary_problem(node: DictionaryObject) -> PdfProblem | None:
    keys = set(node.keys())
    action = node.get("/S")
    kind = node.get("/Type")
    subtype = node.get("/Subtype")
    if action == NameObject("/Launch"):
        return PdfProblem.LAUNCH
    if keys & _SCRIPT_KEYS or action == NameObject("/JavaScript"):
        return PdfProblem.JAVASCRIPT
    if (
        keys & _EMBEDDED_KEYS
        or kind == NameObject("/EmbeddedFile")
        or subtype == NameObject("/FileAttachment")
    ):
        return PdfProblem.EMBEDDED_FILES
    return None
