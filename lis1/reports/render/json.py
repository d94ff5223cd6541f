"""JSON: the report object as it is, labels as English msgids (language-neutral)."""

from __future__ import annotations

import json

from lis1.reports.build import Report
from lis1.reports.render import Export, filename_stem


def report_json(report: Report) -> dict[str, object]:
    return report.to_dict()


def render_json(report: Report) -> Export:
    content = json.dumps(report_json(report), ensure_ascii=False, indent=1).encode()
    return f"{filename_stem(report)}.json", "application/json", content
