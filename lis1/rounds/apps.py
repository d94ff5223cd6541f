from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "lis1.rounds"
    label = "rounds"
    verbose_name = _("Rounds")

    def ready(self) -> None:
        # Bind shared tasks to our Celery app in every process that loads Django.
        import lis1.celery  # noqa: F401
