from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("stillinger/<int:pk>/", views.position_detail, name="position"),
    path("omrader/<int:pk>/", views.area_detail, name="area"),
    path("plasseringer/<int:pk>/", views.run_detail, name="run"),
    path("plasseringer/<int:pk>/eksport.csv", views.run_export, name="run_export"),
    # The placed doctor's own pages (applicants): rank the area's municipalities.
    path("kommuneonsker/", views.my_area_placements, name="my_placements"),
    path("kommuneonsker/<int:pk>/", views.my_municipality_ranking, name="my_ranking"),
]
