from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis1.rounds.permissions import Role, role_required
from lis1.rounds.selectors import rounds_with_counts


@role_required(Role.DIRECTORATE)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every round with its headline counts."""
    rounds = list(rounds_with_counts())
    for round_ in rounds:
        round_.applicants_per_seat = (  # type: ignore[attr-defined]
            round_.applicant_count / round_.seat_count if round_.seat_count else None  # type: ignore[attr-defined]
        )
    return render(request, "directorate/dashboard.html", {"rounds": rounds})
