"""The results e-mails of a published run: queued in one insert by the publish job, rendered
and sent by workers in batches, one e-mail per applicant, and a failure kept, retried and
reported, never dropped in silence."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lis1.jobs.models import JobStatus
from lis1.jobs.services import job_requeue
from lis1.notifications import services as outbox
from lis1.notifications.models import EmailBatch, Outbox
from lis1.notifications.services import notification_render, notifications_retry_unsent
from lis1.notifications.tasks import email_batch_task
from lis1.rounds.models import Applicant, ApplicantRanking, Position
from lis1.rounds.services import matching
from tests.factories import (
    PositionFactory,
    applicants_for,
    employer_list,
    matching_round,
    pass_ranking_deadline,
)

pytestmark = pytest.mark.django_db

SEATS, APPLICANTS = 3, 7


@pytest.fixture
def matched_run(monkeypatch):  # type: ignore[no-untyped-def]
    """A verified, unpublished main run: 3 of 7 applicants placed. Batches of 2, so that the
    seven e-mails take four render-and-send batches."""
    monkeypatch.setattr(outbox, "SEND_BATCH", 2)
    round_ = matching_round()
    position = PositionFactory(round=round_, seats=SEATS, title="Indremedisin")
    people = applicants_for(position, APPLICANTS)
    for person in people:
        ApplicantRanking.objects.create(round=round_, applicant=person, position=position, rank=1)
    employer_list(position, *people)
    pass_ranking_deadline(round_)
    run = matching.round_run_match(match_run=matching.match_run_create(round_=round_, seed=3))
    assert matching.match_run_verify(match_run=run) == []
    return run, people


def _publish(run):  # type: ignore[no-untyped-def]
    return matching.match_run_publish(match_run=run, confirm=True, reason="test")


def _outbox_inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith('INSERT INTO "notifications_outbox"')
    )


def test_publish_queues_in_one_insert_and_mails_everyone_once(
    matched_run, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run, people = matched_run
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _publish(run)
    assert _outbox_inserts(queries) == 1
    placed = set(run.placements.values_list("applicant__user__email", flat=True))
    assert len(placed) == SEATS
    received = sorted(m.to[0] for m in mail.outbox)
    assert received == sorted(p.user.email for p in people)  # each exactly once
    for message in mail.outbox:
        offered = "Indremedisin" in message.body
        assert offered == (message.to[0] in placed)
    assert Outbox.objects.filter(sent_at__isnull=True).count() == 0
    batch = EmailBatch.objects.get(key=f"results:{run.pk}")
    assert (batch.status, batch.progress_done, batch.progress_total) == (
        JobStatus.SUCCEEDED,
        APPLICANTS,
        APPLICANTS,
    )
    # A re-delivered job, or the batch run again, queues and sends nothing more.
    email_batch_task(batch_id=batch.pk)
    EmailBatch.objects.filter(pk=batch.pk).update(status=JobStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        email_batch_task(batch_id=batch.pk)
    assert (Outbox.objects.count(), len(mail.outbox)) == (APPLICANTS, APPLICANTS)


def test_rendering_a_batch_takes_the_same_queries_at_any_size(matched_run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    run, _people = matched_run
    monkeypatch.setattr(outbox, "SEND_BATCH", 500)
    _publish(run)
    from lis1.rounds.services.notices import results_queue

    results_queue(match_run=run)
    rows = list(Outbox.objects.order_by("pk"))
    counts = []
    for size in (1, len(rows)):
        with CaptureQueriesContext(connection) as queries:
            texts = outbox.outbox_renderer_for("results_placed")(rows[:size])
        assert len(texts) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_failing_mail_server_keeps_every_message_for_the_retry(
    matched_run, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run, people = matched_run
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _publish(run)
    unsent = Outbox.objects.filter(sent_at__isnull=True)
    assert unsent.count() == APPLICANTS
    assert set(unsent.values_list("attempts", flat=True)) == {1}
    assert all("SMTP down" in e for e in unsent.values_list("last_error", flat=True))

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_retry_unsent() == APPLICANTS
    assert notifications_retry_unsent() == 0  # never sent twice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people)


def test_a_batch_that_cannot_be_rendered_fails_with_the_reason_and_runs_again(
    matched_run, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run, people = matched_run

    def broken(rows):  # type: ignore[no-untyped-def]
        raise ValueError("template broken")

    working = outbox._RENDERERS["results"]
    monkeypatch.setitem(outbox._RENDERERS, "results", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(run)
    batch = EmailBatch.objects.get(key=f"results:{run.pk}")
    assert batch.status == JobStatus.FAILED
    assert "template broken" in batch.error  # the run's page shows the batch's error
    assert Outbox.objects.filter(rendered=False).count() == APPLICANTS
    assert mail.outbox == []

    monkeypatch.setitem(outbox._RENDERERS, "results", working)
    assert job_requeue(batch)
    with django_capture_on_commit_callbacks(execute=True):
        email_batch_task(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == JobStatus.SUCCEEDED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people)


def test_a_message_whose_data_is_gone_is_reported_not_dropped(
    matched_run, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run, people = matched_run
    unplaced = next(p for p in people if not run.placements.filter(applicant=p).exists())
    from lis1.rounds.services.notices import results_queue

    _publish(run)  # its job is not run: the on-commit hand-over is not executed here
    results_queue(match_run=run, batch=EmailBatch.objects.get(key=f"results:{run.pk}"))
    Outbox.objects.filter(context__applicant=unplaced.pk).update(
        context={"run": run.pk, "applicant": Applicant.objects.order_by("-pk")[0].pk + 1000}
    )
    with django_capture_on_commit_callbacks(execute=True):
        email_batch_task(batch_id=EmailBatch.objects.get(key=f"results:{run.pk}").pk)
    batch = EmailBatch.objects.get(key=f"results:{run.pk}")
    assert batch.status == JobStatus.FAILED
    assert "1 of 7 e-mails could not be rendered" in batch.error
    assert len(mail.outbox) == APPLICANTS - 1
    kept = Outbox.objects.get(sent_at__isnull=True)
    assert "not rendered" in kept.last_error


def test_each_e_mail_reads_as_one_rendered_by_itself(
    matched_run, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The batch renders each template once per run and fills in each e-mail's own values:
    every e-mail is what rendering its template alone, from the model objects, gives."""
    run, people = matched_run
    Position.objects.filter(placements__match_run=run).update(title="Indremedisin & <kirurgi>")
    Applicant.objects.filter(pk=people[0].pk).update(given_name="Åse  Marie", family_name="Ødegård")
    with django_capture_on_commit_callbacks(execute=True):
        _publish(run)
    run.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        for row in Outbox.objects.all():
            applicant = Applicant.objects.get(pk=row.context["applicant"])
            placement = run.placements.filter(applicant=applicant).first()
            expected = notification_render(
                template=row.template,
                context={
                    "applicant": applicant,
                    "site_url": settings.LIS1_SITE_URL,
                    "placement": placement,
                    "round": run.round,
                    "run": run,
                    "deadline": placement.deadline if placement else None,
                },
            )
            assert (row.subject, row.body) == expected
            assert row.template == ("results_placed" if placement else "results_unplaced")
