from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectorateConfig(AppConfig):
    name = "lis1.directorate"
    label = "directorate"
    verbose_name = _("Directorate")
