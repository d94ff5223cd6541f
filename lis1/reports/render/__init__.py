"""Renderers: one `Report`, five formats. Each returns `(filename, content_type, bytes)`."""

from __future__ import annotations

from lis1.reports.build import Report

FORMATS = ("html", "pdf", "xlsx", "csv", "json")

Export = tuple[str, str, bytes]


def filename_stem(report: Report) -> str:
    stamp = report.data_as_of.strftime("%Y%m%d-%H%M")
    version = "-internal" if report.internal else ""
    return f"lis1-report-{report.round_slug}-{stamp}{version}"


def report_render(report: Report, fmt: str, *, charts: dict[str, str] | None = None) -> Export:
    """Render one format. `charts` (SVG by table key) lets HTML and PDF share one drawing."""
    if fmt == "html":
        from lis1.reports.render.html import render_html

        return render_html(report, charts=charts)
    if fmt == "pdf":
        from lis1.reports.render.pdf import render_pdf

        return render_pdf(report, charts=charts)
    if fmt == "xlsx":
        from lis1.reports.render.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "csv":
        from lis1.reports.render.csv import render_csv_zip

        return render_csv_zip(report)
    if fmt == "json":
        from lis1.reports.render.json import render_json

        return render_json(report)
    raise ValueError(f"Unknown report format: {fmt!r} (choose from {', '.join(FORMATS)}).")
