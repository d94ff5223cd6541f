from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "lis1.rounds"
    label = "rounds"
    verbose_name = _("Rounds")

    def ready(self) -> None:
        # Bind shared tasks to our Celery app in every process that loads Django.
        from django.db.models.signals import post_delete, post_save

        import lis1.celery  # noqa: F401
        from lis1.rounds.models import Round

        post_save.connect(_forget_current_round, sender=Round, dispatch_uid="round-current-save")
        post_delete.connect(
            _forget_current_round, sender=Round, dispatch_uid="round-current-delete"
        )


def _forget_current_round(**kwargs: object) -> None:
    from lis1.rounds.selectors import round_current_forget

    round_current_forget()
