from django.urls import path

from applicants import views

app_name = "applicants"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("profil/endre/", views.profile_edit, name="profile_edit"),
    path("dokumenter/", views.documents, name="documents"),
    path("dokumenter/<int:pk>/erstatt/", views.document_replace_view, name="document_replace"),
    path("dokumenter/<int:pk>/slett/", views.document_delete_view, name="document_delete"),
    path("dokumenter/<int:pk>/fil/", views.document_download, name="document_download"),
    path("stillinger/", views.positions, name="positions"),
    path("stillinger/<int:pk>/", views.position_detail, name="position"),
    path("stillinger/<int:pk>/sok/", views.apply, name="apply"),
    path("soknader/<int:pk>/", views.application_detail, name="application"),
    path("soknader/<int:pk>/trekk/", views.application_withdraw_view, name="application_withdraw"),
    path("rangering/", views.ranking, name="ranking"),
    path("tilbud/<int:pk>/", views.offer, name="offer"),
    path("tilbud/<int:pk>/trekk/", views.offer_end, name="offer_end"),
    path("tilbud/<int:pk>/<slug:answer>/", views.offer_answer, name="offer_answer"),
    path("par/", views.couple, name="couple"),
    path("par/<int:pk>/svar/", views.couple_answer_view, name="couple_answer"),
    path("par/<int:pk>/avslutt/", views.couple_dissolve_view, name="couple_dissolve"),
    path("par/<int:pk>/liste/", views.couple_pairs_view, name="couple_pairs"),
]
