from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """No tables of its own: the abstract Job model, its lifecycle, and the sweep task."""

    name = "lis1.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
