"""The audit history of rankings and placements, read-only for directorate staff.

Events come from django-pghistory's trigger-written event tables (Postgres); on the embedded
SQLite database the tables exist but stay empty (see lis1.rounds.audit)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lis1.rounds.audit import audit_enabled
from lis1.rounds.models import ApplicantRanking, CouplePreference, EmployerRanking, Placement
from lis1.rounds.permissions import Role, role_required
from lis1.ui import DesignSystemFormMixin, page_of

TRACKED = {
    "employer_ranking": (_("Employer's ranking"), EmployerRanking),
    "applicant_ranking": (_("Applicant's ranking"), ApplicantRanking),
    "couple_preference": (_("Couple's ranking"), CouplePreference),
    "placement": (_("Placement"), Placement),
}

#: pghistory's event labels in words.
KINDS = {"insert": _("Added"), "update": _("Changed"), "delete": _("Removed")}


def event_model(model):
    return model.pgh_event_model


class AuditFilterForm(DesignSystemFormMixin, forms.Form):
    table = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("All")), *((k, label) for k, (label, _m) in TRACKED.items())],
    )
    kind = forms.ChoiceField(
        # A noun ("Endring"), not the verb "Change" of the buttons.
        label=_("Kind of change"),
        required=False,
        choices=[("", _("All")), *KINDS.items()],
    )
    position = forms.IntegerField(label=_("Position id"), required=False, min_value=1)
    applicant = forms.IntegerField(label=_("Applicant id"), required=False, min_value=1)
    since = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _events(data: dict) -> list:
    rows = []
    tables = [data["table"]] if data.get("table") else list(TRACKED)
    for key in tables:
        label, model = TRACKED[key]
        events = event_model(model).objects.select_related("pgh_context")
        if data.get("kind"):
            events = events.filter(pgh_label=data["kind"])
        if data.get("position") and key != "couple_preference":
            events = events.filter(position_id=data["position"])
        if data.get("applicant") and key != "couple_preference":
            events = events.filter(applicant_id=data["applicant"])
        if data.get("since"):
            events = events.filter(pgh_created_at__date__gte=data["since"])
        for event in events.order_by("-pgh_created_at", "-pgh_id")[:500]:
            event.table_label = label
            event.kind_label = KINDS.get(event.pgh_label, event.pgh_label)
            metadata = event.pgh_context.metadata if event.pgh_context_id else {}
            event.who = metadata.get("user_email", "")
            event.how = metadata.get("action") or metadata.get("url", "")
            event.fields = _fields(key, event)
            rows.append(event)
    rows.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    return rows


def _fields(key: str, event) -> str:
    if key == "placement":
        return (
            f"run {event.match_run_id} · applicant {event.applicant_id} · position "
            f"{event.position_id} · {event.status} · municipality {event.municipality_id or '–'}"
        )
    if key == "couple_preference":
        return (
            f"couple {event.couple_id} #{event.rank}: "
            f"{event.first_position_id} + {event.second_position_id}"
        )
    return f"position {event.position_id} · applicant {event.applicant_id} · rank {event.rank}"


@role_required(Role.DIRECTORATE)
@require_GET
def audit_history(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page, query = page_of(request, _events(data), 100)
    return render(
        request,
        "directorate/audit.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "enabled": audit_enabled(),
            "today": dt.date.today(),
        },
    )
