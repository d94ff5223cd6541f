"""API endpoints of this app, registered on the project's router by lis1/api.py."""

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets (none yet)."""
