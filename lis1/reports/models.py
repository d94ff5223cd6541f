"""Generated round reports, kept with the time of their data and who asked for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis1.jobs.models import Job, JobStatus
from lis1.reports.enums import ReportFormat, ReportTrigger
from lis1.rounds.models import Round

if TYPE_CHECKING:
    from lis1.reports.render import Export


class RenderedFile(models.Model):
    """One rendered format (XLSX, CSV, JSON, PDF) of a job's document, kept in the database
    (a few hundred kB each) so that the job and its files are written, and deleted, in one
    transaction. `owner_field` names the foreign key to the job."""

    owner_field: ClassVar[str]

    format = models.CharField(_("format"), max_length=5, choices=ReportFormat.choices)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = models.BinaryField(_("content"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def replace_all(cls, owner: models.Model, files: Iterable[tuple[str, Export]]) -> None:
        """Put `files` (format, (file name, content type, content)) in place of the owner's
        files; call inside the transaction that marks the job done."""
        manager = cls._default_manager
        manager.filter(**{cls.owner_field: owner}).delete()
        manager.bulk_create(
            [
                cls(
                    **{cls.owner_field: owner},
                    format=fmt,
                    filename=filename,
                    content_type=content_type,
                    size=len(content),
                    content=content,
                )
                for fmt, (filename, content_type, content) in files
            ]
        )


class StoredReport(Job):
    """One generation of a round's status report: every format rendered from the same data
    snapshot (`data_as_of`), downloadable for as long as the row exists. A background job
    (lis1.jobs)."""

    job_task_name = "lis1.reports.tasks.report_generate_task"
    job_task_kwarg = "stored_report_id"

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="stored_reports"
    )
    internal = models.BooleanField(
        _("internal version"),
        default=False,
        help_text=_("Shows counts below 5 that the public version suppresses."),
    )
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=ReportTrigger.choices, default=ReportTrigger.ON_DEMAND
    )
    language = models.CharField(_("language"), max_length=10, default="nb")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("generation time (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=JobStatus.SUCCEEDED) | Q(data_as_of__isnull=False),
                name="stored_report_ready_has_data_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · #{self.pk}"


class StoredReportFile(RenderedFile):
    """One rendered format of a stored report. Kept in the database (a few hundred kB each),
    so a report and its files are written, and deleted, in one transaction."""

    owner_field = "report"

    report = models.ForeignKey(
        StoredReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files"
    )

    class Meta:
        verbose_name = _("stored report file")
        verbose_name_plural = _("stored report files")
        ordering = ["report", "format"]
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="stored_report_file_unique"),
        ]


class ReportSnapshot(models.Model):
    """A closed round's report input, frozen when the round closed: the reports of a closed
    round are built from the data as it was then, not from today's profiles (an applicant's
    later edits, applications of later rounds). JSON of `lis1.reports.snapshot`."""

    round = models.OneToOneField(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="report_snapshot"
    )
    format = models.CharField(_("format"), max_length=40)
    data = models.JSONField(_("report input"))
    data_as_of = models.DateTimeField(_("data as of"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        return f"{self.round} · {self.data_as_of:%Y-%m-%d %H:%M}"


class Scenario(Job):
    """A seat scenario of the policy lab, projected from a round over later rounds: the
    parameters as asked (assumptions included), and the results as the simulation returned
    them (`lis1-scenario/1`, its baseline on the same seeds, the offer waves of the round and,
    when asked, the seats needed). A background job (lis1.jobs)."""

    job_task_name = "lis1.reports.tasks.scenario_run_task"
    job_task_kwarg = "scenario_id"

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=120)
    parameters = models.JSONField(_("parameters"))
    # The seats-needed search, when asked: {"waited_rounds", "target", "within"}.
    seats_needed_question = models.JSONField(_("seats needed: question"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="nb")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.JSONField(_("result"), null=True, blank=True)
    offer_waves = models.JSONField(_("offer waves"), null=True, blank=True)
    seats_needed = models.JSONField(_("seats needed"), null=True, blank=True)
    # The result's charts (SVG by table key) in every UI language, drawn by the job: the page
    # never draws a chart (about a second for the eight), whoever opens it, whenever.
    charts = models.JSONField(_("charts"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("run time (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=JobStatus.SUCCEEDED)
                | Q(result__isnull=False, offer_waves__isnull=False),
                name="scenario_done_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · #{self.pk}"


class ScenarioFile(RenderedFile):
    """One export of a finished scenario (XLSX, CSV, JSON, PDF), rendered by its job in the
    language it was asked in, so that a download never waits for a PDF to be drawn."""

    owner_field = "scenario"

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="files"
    )

    class Meta:
        verbose_name = _("scenario file")
        verbose_name_plural = _("scenario files")
        ordering = ["scenario", "format"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "format"], name="scenario_file_unique"),
        ]
