"""The project's one DRF router; each interface app registers its viewsets through its own
`api.register(router)`, so apps never edit this file to add endpoints."""

from rest_framework.routers import DefaultRouter

import applicants.api
import employers.api
import lis1.directorate.api
import lis1.directorate.reports_api
import municipalities.api

router = DefaultRouter()
for app_api in (
    applicants.api,
    employers.api,
    municipalities.api,
    lis1.directorate.reports_api,
    lis1.directorate.api,
):
    app_api.register(router)
