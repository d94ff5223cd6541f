"""The outbox: written in the caller's transaction, sent after commit, retried when sending
fails, one reminder per applicant and deadline, and the results e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lis1.notifications.models import Outbox
from lis1.notifications.services import notification_queue, notifications_retry_unsent
from lis1.rounds.models import ApplicantRanking
from lis1.rounds.services.notices import deadline_reminders_send, notifications_results_published
from tests.factories import (
    ApplicantFactory,
    ApplicantSideRoundFactory,
    ApplicationFactory,
    PositionFactory,
    employer_list,
    run_and_publish_main_match,
)

pytestmark = pytest.mark.django_db


def test_queue_sends_after_commit(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(to="kari@example.no", subject="Hei", body="Tekst")
        assert len(mail.outbox) == 0
    message.refresh_from_db()
    assert (message.sent_at is not None, message.attempts) == (True, 1)
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]


def test_failed_send_is_kept_and_retried(settings, django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(to="kari@example.no", subject="Hei", body="Tekst")
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "SMTP down" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_retry_unsent() == 1
    message.refresh_from_db()
    assert message.sent_at is not None
    assert notifications_retry_unsent() == 0  # never sent twice


def test_dedupe_key_queues_once() -> None:
    assert notification_queue(to="a@example.no", subject="s", body="b", dedupe_key="k") is not None
    assert notification_queue(to="a@example.no", subject="s", body="b", dedupe_key="k") is None
    assert Outbox.objects.count() == 1


def test_reminders_a_day_before_each_deadline_once_per_applicant(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    round_ = ApplicantSideRoundFactory()  # ranking deadline in 7 days
    applicant = ApplicantFactory()
    ApplicationFactory(applicant=applicant, position__round=round_)
    ApplicantFactory()  # did not apply: no ranking reminder
    day_before = round_.ranking_deadline - dt.timedelta(hours=20)
    assert deadline_reminders_send(now=round_.ranking_deadline - dt.timedelta(days=2)) == 0
    assert deadline_reminders_send(now=day_before) == 1
    # The next hourly run skips whoever was reminded without rendering their e-mail again.
    monkeypatch.setattr(
        "lis1.rounds.services.notices.notification_render",
        lambda **kwargs: pytest.fail("rendered a reminder already sent"),
    )
    assert deadline_reminders_send(now=day_before + dt.timedelta(hours=1)) == 0
    reminder = Outbox.objects.get()
    assert reminder.to == applicant.user.email
    assert applicant.national_id not in reminder.body


def test_results_published_tells_placed_and_unplaced() -> None:
    round_ = ApplicantSideRoundFactory()
    position = PositionFactory(round=round_, seats=1, title="Stillingen")
    placed, unplaced = ApplicantFactory(), ApplicantFactory()
    for applicant in (placed, unplaced):
        ApplicationFactory(applicant=applicant, position=position)
        ApplicantRanking.objects.create(
            round=round_, applicant=applicant, position=position, rank=1
        )
    employer_list(position, placed)
    run = run_and_publish_main_match(round_)
    assert notifications_results_published(match_run=run) == 2
    assert notifications_results_published(match_run=run) == 0  # idempotent
    to_placed = Outbox.objects.get(to=placed.user.email)
    to_unplaced = Outbox.objects.get(to=unplaced.user.email)
    assert "Stillingen" in to_placed.body
    assert "Stillingen" not in to_unplaced.body
    assert timezone.now()
