from django.urls import path

from lis1.directorate import reports, views
from lis1.directorate.audit import audit_history

app_name = "directorate"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("historikk/", audit_history, name="audit"),
    path("runder/<slug:slug>/", views.round_detail, name="round"),
    path("runder/<slug:slug>/rapporter/", reports.round_reports, name="round_reports"),
    path(
        "runder/<slug:slug>/rapporter/status/",
        reports.round_reports_status,
        name="round_reports_status",
    ),
    path("rapporter/<int:pk>/<str:fmt>/", reports.report_download, name="report_download"),
    path("kjoringer/<int:pk>/", views.match_run, name="match_run"),
    path("kjoringer/<int:pk>/status/", views.match_run_status, name="match_run_status"),
    path("kjoringer/<int:pk>/verifiser/", views.match_run_verify_view, name="match_run_verify"),
    path("kjoringer/<int:pk>/publiser/", views.match_run_publish_view, name="match_run_publish"),
    path(
        "kjoringer/<int:pk>/instans.json",
        views.match_run_download,
        {"part": "instance"},
        name="match_run_instance",
    ),
    path(
        "kjoringer/<int:pk>/resultat.json",
        views.match_run_download,
        {"part": "result"},
        name="match_run_result",
    ),
]
