from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis1.rounds.enums import OrganisationKind
from lis1.rounds.models import Position
from lis1.rounds.permissions import Role, organisations_of, role_required
from lis1.rounds.selectors import positions_with_counts, round_current


@role_required(Role.MUNICIPALITY)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Positions in the current round whose municipal part is this municipality's, alone or
    as part of an area."""
    municipalities = list(organisations_of(request.user, OrganisationKind.MUNICIPALITY))
    current = round_current()
    positions = positions_with_counts(
        Position.objects.filter(
            Q(municipality__in=municipalities)
            | Q(municipal_area__municipalities__in=municipalities),
            round=current,
        )
    )
    return render(
        request,
        "municipalities/dashboard.html",
        {"municipalities": municipalities, "round": current, "positions": positions},
    )
