"""No e-mail body, password-reset link or token, and no recipient's name or address ever
reaches a log or the process output (only development's console e-mail backend prints mail,
and production refuses it: tests/test_settings.py). Each test runs a whole flow with every
logger at DEBUG, then looks for what the e-mails carried in everything that was logged or
printed."""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from lis1.notifications.models import Outbox
from lis1.rounds.models import Applicant
from lis1.rounds.services import matching as service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "a": ("Solveig", "Brattbakken"),
    "b": ("Torbjørn", "Kvalvågnes"),
    "c": ("Ragnhild", "Østerdalsli"),
}


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient: smtplib's error carries the address."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        recipient = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({recipient: (550, b"5.1.1 no such user")})


@pytest.fixture(scope="module", autouse=True)
def _task_modules_loaded() -> None:
    # The first job sent in a process imports the task modules, and Celery's Django fix-up
    # then configures logging again: do it before any test captures output, so no handler
    # is left writing to a test's closed stream.
    from lis1.celery import app

    app.loader.import_default_modules()


def _every_logger_at_debug(caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        if name != "django.template":
            caplog.set_level(logging.DEBUG, logger=name)


class _CurrentStderr:
    """Whatever sys.stderr is when a record is written: this test's captured output."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@pytest.fixture
def every_logger_at_debug(caplog, capsys) -> Iterator[pytest.LogCaptureFixture]:  # type: ignore[no-untyped-def]
    # LOGGING raises some loggers (django.db.backends, axes) above DEBUG: lower each one, so a
    # query or a log-in record that carried a secret would be caught too. django.template stays
    # as LOGGING sets it (INFO): at DEBUG it dumps whole template contexts, which settings.py
    # forbids; test_template_context_dumps_stay_off checks that.
    _every_logger_at_debug(caplog)
    # The console handler of LOGGING writes what a deployment's process output would show:
    # point it at this test's captured stderr (it may hold an earlier test's, now closed).
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    handlers = list(
        {
            handler
            for logger in loggers
            for handler in logger.handlers
            if type(handler) is logging.StreamHandler  # not caplog's own handlers
        }
    )
    streams = [handler.stream for handler in handlers]
    for handler in handlers:
        handler.stream = _CurrentStderr()  # not setStream(): it flushes the old stream
    yield caplog
    for handler, stream in zip(handlers, streams, strict=True):
        handler.stream = stream


def _forget_the_arrangement(caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    # factory_boy logs the objects it builds (names included): that is the test, not lis1.
    # Levels are set again: the arrangement may have configured loggers of its own.
    _every_logger_at_debug(caplog)
    caplog.clear()
    capsys.readouterr()


def _everything_logged(caplog, capsys) -> str:  # type: ignore[no-untyped-def]
    captured = capsys.readouterr()
    records = [
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    ]
    return "\n".join([caplog.text, *records, captured.out, captured.err])


def _secrets_of(messages: list[tuple[str, str, str]]) -> set[str]:
    """What must never be logged: each body line of some length, and each address."""
    found: set[str] = set()
    for to, subject, body in messages:
        found.add(to)
        found.add(subject)
        found.update(line.strip() for line in body.splitlines() if len(line.strip()) >= 12)
    return found


def test_template_context_dumps_stay_off() -> None:
    # Django logs each missing template variable at DEBUG with the whole context.
    assert not logging.getLogger("django.template").isEnabledFor(logging.DEBUG)


def _publish_and_send(small_round, django_capture_on_commit_callbacks, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    for key, (given, family) in NAMES.items():
        Applicant.objects.filter(pk=small_round[key].pk).update(
            given_name=given, family_name=family
        )
    _forget_the_arrangement(caplog, capsys)
    run = service.round_run_match(
        match_run=service.match_run_create(round_=small_round["round"], seed=7)
    )
    assert service.match_run_verify(match_run=run) == []
    with django_capture_on_commit_callbacks(execute=True):
        service.match_run_publish(match_run=run, confirm=True, reason="test rankings")


def test_results_publication_logs_no_body_name_or_address(
    small_round, django_capture_on_commit_callbacks, every_logger_at_debug, capsys
) -> None:  # type: ignore[no-untyped-def]
    _publish_and_send(
        small_round, django_capture_on_commit_callbacks, every_logger_at_debug, capsys
    )

    assert len(mail.outbox) == 3  # the results went out through the worker's path
    sent = [(m.to[0], m.subject, m.body) for m in mail.outbox]
    secrets = _secrets_of(sent) | {name for pair in NAMES.values() for name in pair}
    assert any("Solveig" in body for _, _, body in sent)  # the scan looks for what was sent
    logged = _everything_logged(every_logger_at_debug, capsys)
    assert logged.strip()  # the flow did log (tasks, jobs): the scan read something
    assert sorted(secret for secret in secrets if secret in logged) == []


def test_results_refused_by_the_mail_server_log_no_address(
    settings, small_round, django_capture_on_commit_callbacks, every_logger_at_debug, capsys
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.notifications.test_no_secrets_in_logs.RefusingBackend"
    _publish_and_send(
        small_round, django_capture_on_commit_callbacks, every_logger_at_debug, capsys
    )

    queued = list(Outbox.objects.values_list("to", "subject", "body"))
    assert len(queued) == 3
    assert Outbox.objects.filter(sent_at__isnull=True, attempts=1).count() == 3
    logged = _everything_logged(every_logger_at_debug, capsys)
    assert "SMTPRecipientsRefused" in logged  # the failure is logged, by its kind only
    secrets = _secrets_of(queued) | {name for pair in NAMES.values() for name in pair}
    assert sorted(secret for secret in secrets if secret in logged) == []


def test_password_reset_logs_no_link_token_or_name(every_logger_at_debug, capsys) -> None:  # type: ignore[no-untyped-def]
    UserFactory(email="sigrun.fjellheim@example.no", first_name="Sigrun", last_name="Fjellheim")
    _forget_the_arrangement(every_logger_at_debug, capsys)
    client = Client()
    response = client.post(
        reverse("accounts:password_reset"), {"email": "sigrun.fjellheim@example.no"}
    )
    assert response.status_code == 302
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/konto/nytt-passord/" in line)
    path = link[link.index("/konto/") :]
    _uid, token = re.fullmatch(r"/konto/nytt-passord/([^/]+)/([^/]+)/", path).groups()  # type: ignore[union-attr]
    # Follow the link and set the password, as the owner would; a second use of the link too.
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "nytt-sterkt-passord-9", "new_password2": "nytt-sterkt-passord-9"},
    )
    assert Client().get(path, follow=True).status_code == 200

    logged = _everything_logged(every_logger_at_debug, capsys)
    secrets = _secrets_of([(message.to[0], message.subject, message.body)])
    secrets |= {link.strip(), token, "Sigrun", "Fjellheim"}
    assert sorted(secret for secret in secrets if secret in logged) == []
