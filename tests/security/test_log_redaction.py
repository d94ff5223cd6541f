"""Tokens in URLs (password reset, registration confirmation, the identity provider's code and
state) never reach a log: gunicorn's access log and LOGGING's console lines are redacted."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from lis1.logredact import REDACTED, RedactFilter, redact

ROOT = Path(__file__).resolve().parents[2]
RESET = "/konto/nytt-passord/MTIz/cf8k2x-5b1e0c0a4f1d2e3b4c5d6e7f8a9b0c1d/"
CONFIRM = "/en/konto/registrer/bekreft/NDU2/cf8k2y-0a1b2c3d4e5f60718293a4b5c6d7e8f9/"
CALLBACK = "/oidc/callback/?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&lang=nb"


def test_redact_hides_tokens_and_keeps_the_rest() -> None:
    assert redact(RESET) == f"/konto/nytt-passord/{REDACTED}/"
    assert redact(CONFIRM) == f"/en/konto/registrer/bekreft/{REDACTED}/"
    assert redact(CALLBACK) == f"/oidc/callback/?code={REDACTED}&state={REDACTED}&lang=nb"
    # What carries no secret is left as it is.
    for path in ("/konto/nytt-passord/ferdig/", "/stillinger/?region=vest&side=2", "/"):
        assert redact(path) == path


def test_log_filter_rewrites_the_merged_message() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Bad Request: %s", (RESET,), None
    )
    assert RedactFilter().filter(record)
    assert "cf8k2x" not in record.getMessage() and REDACTED in record.getMessage()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_access_log_holds_no_token(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "access.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "python:lis1.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "lis1.wsgi:application",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for path in (RESET, CONFIRM, CALLBACK):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Referer": f"http://x{RESET}"}
            )
            for _ in range(100):  # until the server is up
                try:
                    urllib.request.urlopen(request, timeout=10)  # noqa: S310
                    break
                except urllib.error.HTTPError:
                    break  # an answer (400, 404, a redirect's target …) is all that is needed
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert text.count("\n") >= 3, text  # one line per request: the scan read them
    assert REDACTED in text
    for secret in ("MTIz", "cf8k2x", "NDU2", "cf8k2y", "SplxlOBeZQQYbYS6WxSbIA", "af0ifjsldkj"):
        assert secret not in text, (secret, text)
