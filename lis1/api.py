"""The project's one DRF router; each interface app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
