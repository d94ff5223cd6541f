from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "lis1.reports"
    label = "reports"
    verbose_name = _("Round reports")

    def ready(self) -> None:
        # Closing a round (lis1.rounds) generates its final report here, through a signal:
        # the lower layer never imports this one.
        from lis1.rounds.services.rounds import round_closed

        round_closed.connect(_final_report, dispatch_uid="reports-final-report")


def _final_report(*, round_, closed_by, **kwargs: object) -> None:
    from lis1.reports.enums import ReportTrigger
    from lis1.reports.services import stored_report_request

    stored_report_request(
        round_=round_, requested_by=closed_by, trigger=ReportTrigger.ROUND_CLOSED, language="nb"
    )
