"""Content-Security-Policy violation reports: the browser posts one for each thing the policy
blocked (settings.CONTENT_SECURITY_POLICY's report-uri), and we log it at WARNING.

A report is sent by any browser without a session or a CSRF token, so the endpoint takes only
POST, refuses a body larger than LIS1_CSP_REPORT_MAX_BYTES unread (413) and anything that is
not a report (400), and logs at most LIS1_CSP_REPORTS_PER_MINUTE reports a minute. It logs the
report's own fields only, with query strings cut from its addresses (a search page's query can
hold a name): nothing about the user, their address or their session.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("lis1.csp")

# The report-uri format (application/csp-report) names its fields with dashes, the Reporting
# API (application/reports+json) in camelCase; both are logged under the dashed names.
FIELDS = {
    "document-uri": ("document-uri", "documentURL"),
    "effective-directive": ("effective-directive", "effectiveDirective"),
    "violated-directive": ("violated-directive", "effectiveDirective"),
    "blocked-uri": ("blocked-uri", "blockedURL"),
    "source-file": ("source-file", "sourceFile"),
    "line-number": ("line-number", "lineNumber"),
    "column-number": ("column-number", "columnNumber"),
    "disposition": ("disposition", "disposition"),
    "status-code": ("status-code", "statusCode"),
}
URI_FIELDS = {"document-uri", "blocked-uri", "source-file"}
MAX_FIELD_LENGTH = 500


class BadReport(ValueError):
    pass


def _without_query(value: str) -> str:
    """An address without its query string and fragment; keywords like 'inline' stay."""
    parts = urlsplit(value)
    if not parts.scheme:
        return value
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _clean(body: dict[str, Any], key: int) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for name, keys in FIELDS.items():
        value = body.get(keys[key])
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise BadReport(f"{name} is not a string or a number")
        if isinstance(value, str):
            value = value[:MAX_FIELD_LENGTH]
            if name in URI_FIELDS:
                value = _without_query(value)
        cleaned[name] = value
    if "document-uri" not in cleaned or "effective-directive" not in cleaned:
        raise BadReport("a report names its document and the directive it violated")
    return cleaned


def reports_parse(raw: bytes) -> list[dict[str, object]]:
    """The violations in a report body, in either format; BadReport when it is none."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadReport("not JSON") from None
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        body = data["csp-report"]
        # Old browsers send only violated-directive.
        body.setdefault("effective-directive", body.get("violated-directive"))
        return [_clean(body, 0)]
    if isinstance(data, list) and 0 < len(data) <= 20:
        reports = [
            _clean(item["body"], 1)
            for item in data
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
        if reports:
            return reports
    raise BadReport("not a CSP violation report")


def _within_rate() -> bool:
    key = f"lis1:csp-reports:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    return count <= settings.LIS1_CSP_REPORTS_PER_MINUTE


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponseBadRequest("Bad Content-Length.")
    if length > settings.LIS1_CSP_REPORT_MAX_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    raw = request.read(settings.LIS1_CSP_REPORT_MAX_BYTES + 1)
    if len(raw) > settings.LIS1_CSP_REPORT_MAX_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    try:
        reports = reports_parse(raw)
    except BadReport as error:
        return HttpResponseBadRequest(f"Not a CSP violation report: {error}.")
    for report in reports:
        if not _within_rate():
            break
        logger.warning(
            "CSP violation: %s blocked %s on %s",
            report["effective-directive"],
            report.get("blocked-uri", "?"),
            report["document-uri"],
            extra={"csp_report": report},
        )
    return HttpResponse(status=204)
