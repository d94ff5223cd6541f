"""The round's stored status becomes the decisions it stood for (published, follow-up
opened, closed); the phase is derived from the calendar from now on."""

from django.db import migrations


def decisions_from_status(apps, schema_editor):
    """The round's stored status becomes the decisions it stood for; a main run's offers take
    their deadline from the round, a follow-up run's from the run."""
    from django.utils import timezone

    Round = apps.get_model("rounds", "Round")
    MatchRun = apps.get_model("rounds", "MatchRun")
    Placement = apps.get_model("rounds", "Placement")
    for round_ in Round.objects.all():
        main = (
            MatchRun.objects.filter(round=round_, kind="main", published_at__isnull=False)
            .order_by("published_at")
            .first()
        )
        if main is not None:
            round_.published_at = main.published_at
        if round_.status in ("follow_up", "closed") and round_.published_at:
            round_.follow_up_opened_at = round_.answer_deadline
        if round_.status == "closed" and round_.published_at:
            round_.closed_at = timezone.now()
        round_.save(update_fields=["published_at", "follow_up_opened_at", "closed_at"])
    for run in MatchRun.objects.filter(kind="follow_up"):
        first = Placement.objects.filter(match_run=run).exclude(answer_deadline=None).first()
        if first is not None:
            MatchRun.objects.filter(pk=run.pk).update(answer_deadline=first.answer_deadline)
    Placement.objects.exclude(match_run__kind="direct_offer").update(answer_deadline=None)


def status_from_decisions(apps, schema_editor):
    Round = apps.get_model("rounds", "Round")
    for round_ in Round.objects.all():
        round_.status = (
            "closed"
            if round_.closed_at
            else "follow_up"
            if round_.follow_up_opened_at
            else "matched"
            if round_.published_at
            else "ranking"
        )
        round_.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("rounds", "0005_round_decisions_jobs_placement_lifecycle")]

    operations = [migrations.RunPython(decisions_from_status, status_from_decisions)]
