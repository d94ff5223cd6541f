from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import (
    applications_of_applicant,
    placements_published,
    round_current,
    round_results_published,
)


@role_required(Role.APPLICANT)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The applicant's own applications, newest round first."""
    applicant = request.user.applicant  # type: ignore[union-attr]
    current = round_current()
    placements = placements_published().filter(applicant=applicant, match_run__round=current)
    return render(
        request,
        "applicants/dashboard.html",
        {
            "applicant": applicant,
            "applications": applications_of_applicant(applicant),
            "round": current,
            "placements": placements.select_related("position__employer", "match_run"),
            "results_published": round_results_published(current),
        },
    )
