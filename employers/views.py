from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis1.rounds.enums import EMPLOYER_KINDS
from lis1.rounds.models import Position
from lis1.rounds.permissions import Role, organisations_of, role_required
from lis1.rounds.selectors import positions_with_counts, round_current


@role_required(Role.EMPLOYER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The trust's positions in the current round, with application and ranking counts."""
    employers = list(organisations_of(request.user, *EMPLOYER_KINDS))
    current = round_current()
    positions = positions_with_counts(
        Position.objects.filter(employer__in=employers, round=current)
    )
    return render(
        request,
        "employers/dashboard.html",
        {"employers": employers, "round": current, "positions": positions},
    )
