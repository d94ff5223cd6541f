"""Choices of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportTrigger(models.TextChoices):
    ON_DEMAND = "on_demand", _("Requested")
    ROUND_CLOSED = "round_closed", _("Round closed")
    COMMAND = "command", _("Command line")


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", _("CSV (zip)")
    JSON = "json", "JSON"
