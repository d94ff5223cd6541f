from django.urls import path

from lis1.directorate import views

app_name = "directorate"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("runder/<slug:slug>/", views.round_detail, name="round"),
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
