from django.urls import path

from lis1.directorate import views

app_name = "directorate"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
