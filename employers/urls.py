from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("stillinger/", views.position_list, name="positions"),
    path("stillinger/ny/", views.position_edit, name="position_create"),
    path("stillinger/eksport.csv", views.positions_export, name="positions_export"),
    path("stillinger/import/", views.positions_import, name="positions_import"),
    path("stillinger/<int:pk>/", views.position_detail, name="position"),
    path("stillinger/<int:pk>/endre/", views.position_edit, name="position_edit"),
    path("stillinger/<int:pk>/publiser/", views.position_publish_view, name="position_publish"),
    path("stillinger/<int:pk>/trekk/", views.position_withdraw_view, name="position_withdraw"),
    path("stillinger/<int:pk>/sokere/", views.applicant_list, name="applicants"),
    path("stillinger/<int:pk>/sokere/legg-til/", views.applicant_list_add, name="applicants_add"),
    path(
        "stillinger/<int:pk>/sokere/<int:application_pk>/",
        views.applicant_detail,
        name="applicant",
    ),
    path("stillinger/<int:pk>/rangering/", views.ranking, name="ranking"),
    path("stillinger/<int:pk>/rangering/endre/", views.ranking_change, name="ranking_change"),
    path("stillinger/<int:pk>/rangering/send/", views.ranking_submit_view, name="ranking_submit"),
    path("stillinger/<int:pk>/rangering.csv", views.ranking_export, name="ranking_export"),
    path("stillinger/<int:pk>/rangering/import/", views.ranking_import, name="ranking_import"),
    path("stillinger/<int:pk>/plasserte/", views.placements, name="placements"),
    path("stillinger/<int:pk>/plasserte/ledig/", views.vacancy_fill_view, name="vacancy_fill"),
    path(
        "stillinger/<int:pk>/plasserte/<int:placement_pk>/svar/<str:answer>/",
        views.placement_answer_view,
        name="placement_answer",
    ),
    path(
        "stillinger/<int:pk>/plasserte/<int:placement_pk>/avslutt/",
        views.placement_end_view,
        name="placement_end",
    ),
    path(
        "stillinger/<int:pk>/plasserte/<int:placement_pk>/oppstart/",
        views.placement_start_view,
        name="placement_start",
    ),
]
