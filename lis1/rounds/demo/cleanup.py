"""Removing what the demo created, so that `--replace` can rebuild it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lis1.accounts.models import User
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    MatchRun,
    Placement,
    Position,
    Round,
    StaffMembership,
)

DEMO_EMAIL_DOMAIN = "demo.lis1.no"


def demo_users() -> QuerySet[User]:
    """Users the demo created: the log-ins (@demo.lis1.no) and generated applicants
    (@applicant.demo.lis1.no)."""
    return User.objects.filter(
        Q(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}") | Q(email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    )


def demo_remove(*existing: Round | None) -> None:
    """Delete the demo rounds (marked is_demo), the rounds in the demo's places (the current
    round's and its history's), and the demo users with everything that hangs on them."""
    applicants = Applicant.objects.filter(user__in=demo_users())
    round_ids = set(Round.objects.filter(is_demo=True).values_list("pk", flat=True))
    round_ids.update(r.pk for r in existing if r is not None)
    Placement.objects.filter(
        Q(match_run__round_id__in=round_ids) | Q(applicant__in=applicants)
    ).delete()
    MatchRun.objects.filter(round_id__in=round_ids).delete()
    CouplePreference.objects.filter(couple__round_id__in=round_ids).delete()
    Couple.objects.filter(
        Q(round_id__in=round_ids) | Q(first__in=applicants) | Q(second__in=applicants)
    ).delete()
    ApplicantRanking.objects.filter(
        Q(round_id__in=round_ids) | Q(applicant__in=applicants)
    ).delete()
    EmployerRanking.objects.filter(
        Q(position__round_id__in=round_ids) | Q(applicant__in=applicants)
    ).delete()
    Application.objects.filter(
        Q(position__round_id__in=round_ids) | Q(applicant__in=applicants)
    ).delete()
    Position.sites.through.objects.filter(position__round_id__in=round_ids).delete()
    Position.objects.filter(round_id__in=round_ids).delete()
    Round.objects.filter(pk__in=round_ids).delete()
    applicants.delete()
    StaffMembership.objects.filter(user__in=demo_users()).delete()
    demo_users().delete()
