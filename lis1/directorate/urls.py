from django.urls import path

from lis1.directorate import reports, rounds, scenarios, views
from lis1.directorate.audit import audit_history

app_name = "directorate"

urlpatterns = [
    path("", rounds.dashboard, name="dashboard"),
    path("historikk/", audit_history, name="audit"),
    path("runder/ny/", rounds.round_new, name="round_new"),
    path("runder/<slug:slug>/", rounds.round_detail, name="round"),
    path("runder/<slug:slug>/kalender/", rounds.round_calendar, name="round_calendar"),
    path("runder/<slug:slug>/oppfolging/", rounds.round_follow_up, name="round_follow_up"),
    path("runder/<slug:slug>/avslutt/", rounds.round_close_view, name="round_close"),
    path("runder/<slug:slug>/plasser/", rounds.round_seats, name="round_seats"),
    path("runder/<slug:slug>/rapporter/", reports.round_reports, name="round_reports"),
    path(
        "runder/<slug:slug>/rapporter/status/",
        reports.round_reports_status,
        name="round_reports_status",
    ),
    path("rapporter/<int:pk>/igjen/", reports.report_retry, name="report_retry"),
    path("rapporter/<int:pk>/<str:fmt>/", reports.report_download, name="report_download"),
    path("kjoringer/<int:pk>/", views.match_run, name="match_run"),
    path("kjoringer/<int:pk>/status/", views.match_run_status, name="match_run_status"),
    path("kjoringer/<int:pk>/verifiser/", views.match_run_verify_view, name="match_run_verify"),
    path("kjoringer/<int:pk>/igjen/", views.match_run_rerun_view, name="match_run_rerun"),
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
    path("scenarier/", scenarios.scenario_list, name="scenarios"),
    path("scenarier/ny/", scenarios.scenario_new, name="scenario_new"),
    path("scenarier/sammenlign/", scenarios.scenario_compare, name="scenario_compare"),
    path("scenarier/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path("scenarier/<int:pk>/status/", scenarios.scenario_status, name="scenario_status"),
    path("scenarier/<int:pk>/igjen/", scenarios.scenario_retry, name="scenario_retry"),
    path("scenarier/<int:pk>/slett/", scenarios.scenario_delete, name="scenario_delete"),
    path(
        "scenarier/<int:pk>/eksport/<str:fmt>/",
        scenarios.scenario_download,
        name="scenario_download",
    ),
]
