"""Project-level pages: the start page, the role dispatcher, the accessibility statement."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lis1.rounds import eligibility, outcomes
from lis1.rounds.permissions import Role, role_of
from lis1.rounds.selectors import round_current

ROLE_DASHBOARDS = {
    Role.APPLICANT: "applicants:dashboard",
    Role.EMPLOYER: "employers:dashboard",
    Role.MUNICIPALITY: "municipalities:dashboard",
    Role.DIRECTORATE: "directorate:dashboard",
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "round": round_current(),
            "hospital_months": eligibility.HOSPITAL_MONTHS,
            "municipal_months": eligibility.MUNICIPAL_MONTHS,
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send each user to the dashboard of its role."""
    role = role_of(request.user)
    if role is None:
        return render(request, "no_role.html", status=403)
    return redirect(ROLE_DASHBOARDS[role])


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@require_GET
def how_the_match_works(request: HttpRequest) -> HttpResponse:
    """For applicants (and anyone): one central match instead of offer waves, and why ranking
    in one's true order of preference is always safe."""
    return render(request, "how_the_match_works.html", {"terms": outcomes.TERMS})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for the container health check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
