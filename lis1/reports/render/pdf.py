"""PDF: the HTML page printed by weasyprint, charts embedded as vector SVG."""

from __future__ import annotations

import logging

from lis1.reports.build import Report
from lis1.reports.render import Export, filename_stem
from lis1.reports.render.html import html_document


def render_pdf(report: Report, *, charts: dict[str, str] | None = None) -> Export:
    from weasyprint import HTML

    # weasyprint logs every SVG presentation property its CSS parser does not know (it draws
    # them all the same) and sets its own level on import: quiet it after the import.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    document = html_document(report, charts=charts, pdf=True)
    content = HTML(string=document).write_pdf()
    return f"{filename_stem(report)}.pdf", "application/pdf", content
