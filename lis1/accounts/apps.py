from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lis1.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from lis1.accounts.sessions import session_start

        # Every way of logging in (the log-in page, registration, ID-porten) starts the
        # session's clocks (lis1.accounts.sessions).
        user_logged_in.connect(session_start, dispatch_uid="lis1-session-start")
