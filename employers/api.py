"""API endpoints of employer staff, registered on the project's router by lis1/api.py.

The same services and scoped querysets as the pages: another trust's position is 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from employers.models import InterviewNote
from employers.services import interview_note_add
from lis1.rounds.enums import EMPLOYER_KINDS, OrganisationKind
from lis1.rounds.models import MunicipalArea, Organisation, Position, Round
from lis1.rounds.permissions import employer_positions, organisations_of
from lis1.rounds.selectors import applications_for_review
from lis1.rounds.services.positions import (
    PositionError,
    position_publish,
    position_save,
    position_withdraw,
)
from lis1.rounds.services.rankings import RankingError, ranking_ids, ranking_set, ranking_submit


class PositionSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(slug_field="slug", queryset=Round.objects.all())
    sites = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.HOSPITAL_SITE),
    )
    municipality = serializers.SlugRelatedField(
        slug_field="municipality_number",
        allow_null=True,
        required=False,
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY),
    )
    municipal_area = serializers.PrimaryKeyRelatedField(
        allow_null=True, required=False, queryset=MunicipalArea.objects.all()
    )
    employer = serializers.CharField(source="employer.name", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "round",
            "employer",
            "reference",
            "title",
            "kind",
            "rotation",
            "sites",
            "municipality",
            "municipal_area",
            "start_date",
            "seats",
            "description",
            "alis_url",
            "status",
            "ranking_submitted_at",
        ]
        read_only_fields = ["status", "ranking_submitted_at"]
        validators: list = []  # type: ignore[type-arg]  # the service reports reference clashes


class ApplicationSerializer(serializers.Serializer):
    applicant_id = serializers.IntegerField()
    name = serializers.CharField(source="applicant.full_name")
    birth_date_masked = serializers.SerializerMethodField()
    education_country = serializers.CharField(source="applicant.education_country")
    education_year = serializers.IntegerField(source="applicant.education_year", allow_null=True)
    norwegian_proficiency = serializers.CharField(source="applicant.norwegian_proficiency")
    prior_hospital_months = serializers.IntegerField(source="applicant.prior_hospital_months")
    prior_municipal_months = serializers.IntegerField(source="applicant.prior_municipal_months")
    list_rank = serializers.IntegerField(allow_null=True)

    def get_birth_date_masked(self, application) -> str:  # type: ignore[no-untyped-def]
        return application.applicant.national_id_masked(show_birth_date=True)


class InterviewNoteSerializer(serializers.ModelSerializer):
    applicant_id = serializers.IntegerField(source="application.applicant_id")
    author = serializers.StringRelatedField()

    class Meta:
        model = InterviewNote
        fields = ["id", "applicant_id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class RankingSerializer(serializers.Serializer):
    applicant_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The ranked applicants, best first."
    )


class PositionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The trust's positions: create and change while advertising is open, publish, see the
    applicants, read and replace the ranking, submit it."""

    serializer_class = PositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        return (
            employer_positions(self.request.user)
            .select_related("round", "employer", "municipality", "municipal_area")
            .prefetch_related("sites")
            .order_by("round__start_date", "reference")
        )

    def _save(self, serializer, position: Position | None) -> None:  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        employer = (
            position.employer
            if position
            else organisations_of(self.request.user, *EMPLOYER_KINDS).order_by("name").first()
        )
        if employer is None:
            raise ValidationError({"detail": "You do not work for an employer."})
        round_ = position.round if position else data.pop("round")
        data.pop("round", None)
        sites = data.pop("sites", list(position.sites.all()) if position else [])
        try:
            serializer.instance = position_save(
                position=position, round_=round_, employer=employer, data=data, sites=sites
            )
        except PositionError as error:
            raise ValidationError({"detail": str(error)}) from None

    def perform_create(self, serializer) -> None:  # type: ignore[no-untyped-def]
        self._save(serializer, None)

    def perform_update(self, serializer) -> None:  # type: ignore[no-untyped-def]
        self._save(serializer, self.get_object())

    @extend_schema(request=None, responses=PositionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        try:
            position = position_publish(position=self.get_object())
        except PositionError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(PositionSerializer(position).data)

    @extend_schema(request=None, responses=PositionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Back to draft, only while nobody has applied."""
        try:
            position = position_withdraw(position=self.get_object())
        except PositionError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(PositionSerializer(position).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("applicant", int, description="Only this applicant's notes")],
        responses=InterviewNoteSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], request=InterviewNoteSerializer, responses=InterviewNoteSerializer
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        """The trust's private interview notes on this position's applications."""
        position = self.get_object()
        notes = InterviewNote.objects.filter(application__position=position).select_related(
            "application", "author"
        )
        if request.method == "POST":
            serializer = InterviewNoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            application = position.applications.filter(
                applicant_id=serializer.validated_data["application"]["applicant_id"]
            ).first()
            if application is None:
                raise NotFound("No application from this applicant to this position.")
            note = interview_note_add(
                application=application,
                author=request.user,
                text=serializer.validated_data["text"],
            )
            return Response(InterviewNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        applicant = request.query_params.get("applicant")
        if applicant:
            if not applicant.isdigit():
                raise ValidationError({"applicant": "A whole number."})
            notes = notes.filter(application__applicant_id=int(applicant))
        return Response(InterviewNoteSerializer(notes, many=True).data)

    @extend_schema(responses=ApplicationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def applications(self, request: Request, pk: str | None = None) -> Response:
        rows = applications_for_review(self.get_object())
        return Response(ApplicationSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=RankingSerializer)
    @extend_schema(methods=["PUT"], request=RankingSerializer, responses=RankingSerializer)
    @action(detail=True, methods=["get", "put"])
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        position = self.get_object()
        if request.method == "PUT":
            serializer = RankingSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                ranking_set(
                    position=position,
                    applicant_ids=serializer.validated_data["applicant_ids"],
                    user=request.user,
                )
            except RankingError as error:
                raise ValidationError({"detail": str(error)}) from None
        return Response({"applicant_ids": ranking_ids(position)})

    @extend_schema(request=None, responses=PositionSerializer)
    @action(detail=True, methods=["post"], url_path="submit-ranking")
    def submit_ranking(self, request: Request, pk: str | None = None) -> Response:
        try:
            position = ranking_submit(position=self.get_object(), user=request.user)
        except RankingError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(PositionSerializer(position).data, status=status.HTTP_200_OK)


def register(router: DefaultRouter) -> None:
    router.register("employer/positions", PositionViewSet, basename="employer-position")
