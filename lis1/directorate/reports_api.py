"""API: stored round reports (directorate staff only). `register(router)` is called by the
project's router in lis1/api.py. It lives with the directorate's pages, whose download URLs it
gives: lis1.reports below knows no interface.

- GET  /api/round-reports/?round=SLUG   stored reports, newest first
- POST /api/round-reports/ {"round": SLUG, "internal": false}   request one (202)
- GET  /api/round-reports/{id}/         one stored report's metadata
- GET  /api/round-reports/{id}/content/ the report itself as JSON (lis1-round-report/1)
"""

from __future__ import annotations

import json

from django.urls import reverse
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lis1.jobs.models import JobStatus
from lis1.reports.enums import ReportFormat
from lis1.reports.models import StoredReport
from lis1.reports.selectors import stored_report_file, stored_reports
from lis1.reports.services import stored_report_request
from lis1.rounds.models import Round
from lis1.rounds.permissions import IsDirectorateStaff


class StoredReportSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = StoredReport
        fields = [
            "id",
            "round",
            "status",
            "internal",
            "trigger",
            "created_at",
            "data_as_of",
            "finished_at",
            "duration_ms",
            "error",
            "downloads",
        ]

    def get_downloads(self, report: StoredReport) -> dict[str, str]:
        if report.status != JobStatus.SUCCEEDED:
            return {}
        return {
            file.format: reverse("directorate:report_download", args=[report.pk, file.format])
            for file in report.files.all()
        }


class StoredReportRequestSerializer(serializers.Serializer):
    round = serializers.SlugRelatedField(slug_field="slug", queryset=Round.objects.all())
    internal = serializers.BooleanField(default=False)


class StoredReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsDirectorateStaff]
    serializer_class = StoredReportSerializer

    def get_queryset(self):
        queryset = stored_reports()
        slug = self.request.query_params.get("round")
        if slug:
            queryset = queryset.filter(round__slug=slug)
        return queryset

    def get_serializer_class(self):
        return StoredReportRequestSerializer if self.action == "create" else StoredReportSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = StoredReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = stored_report_request(
            round_=serializer.validated_data["round"],
            requested_by=request.user,
            internal=serializer.validated_data["internal"],
        )
        report = stored_reports().get(pk=report.pk)
        return Response(StoredReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["get"])
    def content(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        stored = stored_report_file(report_id=report.pk, fmt=ReportFormat.JSON)
        if report.status != JobStatus.SUCCEEDED or stored is None:
            return Response(
                {"detail": "The report is not ready.", "status": report.status},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(json.loads(bytes(stored.content)))


def register(router: DefaultRouter) -> None:
    router.register("round-reports", StoredReportViewSet, basename="round-report")
