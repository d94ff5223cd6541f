"""URL configuration: pages per role, the API under /api/, the admin for directorate staff."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lis1 import csp_reports, views
from lis1.api import router

#: An address nothing answers: JSON under /api/, the site's page elsewhere.
handler404 = "lis1.views.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("oversikt/", views.dashboard, name="dashboard"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("slik-fungerer-matchingen/", views.how_the_match_works, name="how_the_match_works"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("lis1.accounts.urls")),
    path("soker/", include("applicants.urls")),
    path("arbeidsgiver/", include("employers.urls")),
    path("kommune/", include("municipalities.urls")),
    path("direktorat/", include("lis1.directorate.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up script as a file of its own (?script), and
    # templates/drf_spectacular/swagger_ui.html moves its CSS to a file: the page keeps the
    # site's policy, with no inline script or style.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(settings.CSP_REPORT_PATH.strip("/") + "/", csp_reports.csp_report, name="csp_report"),
    path("healthz", views.healthz, name="healthz"),
]

if settings.OIDC_ENABLED:
    # The identity provider's log-in and its redirect back (/oidc/callback/, the address to
    # register with the provider).
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
