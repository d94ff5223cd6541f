from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import applications_of_applicant, round_current


@role_required(Role.APPLICANT)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The applicant's own applications, newest round first."""
    applicant = request.user.applicant  # type: ignore[union-attr]
    return render(
        request,
        "applicants/dashboard.html",
        {
            "applicant": applicant,
            "applications": applications_of_applicant(applicant),
            "round": round_current(),
        },
    )
