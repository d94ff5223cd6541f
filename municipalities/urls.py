from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
