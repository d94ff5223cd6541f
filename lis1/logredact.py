"""Secrets that travel in URLs never reach a log line.

A password-reset link and a registration-confirmation link carry a token in their path, and
the identity provider's redirect back carries a one-time `code` and `state` in its query: a
log of requests (gunicorn's access log, Django's "Bad Request: …" warnings, a Referer header)
would otherwise hold what is needed to take over an account. `redact` replaces them; gunicorn
uses `RedactingLogger` (lis1/gunicorn_conf.py) and LOGGING's handlers `RedactFilter`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# The token routes of lis1.accounts.urls: .../<uidb64>/<token>/ and the address confirmation's
# .../<token>/ (any language prefix).
_TOKEN_PATH = re.compile(
    r"(/konto/(?:nytt-passord|registrer/bekreft)/)(?!ferdig/)[^/\s?\"']+/[^/\s?\"']+"
    r"|(/konto/e-post/bekreft/)[^/\s?\"']+"
)
# Query parameters that are credentials: OpenID Connect's code/state, any *token*.
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:code|state|session_state|id_token|access_token|token)=)[^&\s\"']*"
)


def redact(text: str) -> str:
    """`text` with each URL secret replaced by REDACTED."""
    if "/konto/" not in text and "=" not in text:
        return text
    text = _TOKEN_PATH.sub(lambda match: f"{match.group(1) or match.group(2)}{REDACTED}", text)
    return _SECRET_QUERY.sub(rf"\1{REDACTED}", text)


class RedactFilter(logging.Filter):
    """Rewrites each record's message (arguments merged) through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingLogger(Logger):
    """gunicorn's logger, with every access-log atom (request line, path, query, Referer,
    headers) passed through `redact`."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
