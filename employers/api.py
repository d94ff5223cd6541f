"""API endpoints of employer staff, registered on the project's router by lis1/api.py.

The same services and scoped querysets as the pages: another trust's position is 404."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from employers.filters import (
    PRIOR_CHOICES,
    RANKED_CHOICES,
    SORTS,
    EducationGroup,
    applicant_filter,
)
from employers.models import InterviewNote
from employers.services import interview_note_add, published_placements
from lis1.api_errors import REFUSED, RuleViolationSerializer
from lis1.rounds.enums import EMPLOYER_KINDS, NorwegianProficiency, OrganisationKind
from lis1.rounds.models import (
    POSITION_FIELDS,
    MunicipalArea,
    Organisation,
    Placement,
    Position,
    Round,
)
from lis1.rounds.permissions import IsEmployerStaff, employer_positions, organisations_of
from lis1.rounds.services.placements import (
    placement_answer,
    placement_end,
    placement_start,
)
from lis1.rounds.services.positions import (
    position_publish,
    position_save,
    position_withdraw,
)
from lis1.rounds.services.rankings import (
    employer_ranking_move,
    employer_ranking_set,
    ranking_ids,
    ranking_submit,
)


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
            *POSITION_FIELDS,
            "status",
            "ranking_submitted_at",
        ]
        read_only_fields = ["status", "ranking_submitted_at"]
        validators: list = []  # the service reports reference clashes


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

    def get_birth_date_masked(self, application) -> str:
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


class RankingMoveSerializer(serializers.Serializer):
    applicant_id = serializers.IntegerField(help_text="A ranked applicant.")
    place = serializers.IntegerField(
        help_text="The new place: 1 is first, at most the number of ranked applicants."
    )


class EmployerPlacementSerializer(serializers.ModelSerializer):
    applicant_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="applicant.full_name", read_only=True)
    answer_deadline = serializers.DateTimeField(
        source="deadline",
        read_only=True,
        help_text="The offer's own deadline, else its run's, else the round's.",
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "applicant_id",
            "name",
            "status",
            "choice_rank",
            "answer_deadline",
            "answered_at",
            "ended_at",
            "end_reason",
            "started_on",
            "start_recorded_at",
        ]
        read_only_fields = fields


class PlacementAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="True accepts the offer, false turns it down.")


class PlacementEndSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text="Kept with the placement and shown to the doctor in the receipt.",
    )


class PlacementStartSerializer(serializers.Serializer):
    started_on = serializers.DateField(
        help_text="The day the doctor started (not in the future, not before the acceptance)."
    )


_PLACEMENT_ID = OpenApiParameter(
    "placement_id", int, OpenApiParameter.PATH, description="A placement in the position."
)


@extend_schema_view(
    create=extend_schema(responses={201: PositionSerializer, 409: REFUSED}),
    update=extend_schema(responses={200: PositionSerializer, 409: REFUSED}),
    partial_update=extend_schema(responses={200: PositionSerializer, 409: REFUSED}),
)
class PositionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The trust's positions: create and change while advertising is open, publish, see the
    applicants, read and replace the ranking, submit it; after the results, record a
    doctor's answer or end of an accepted placement on the doctor's behalf."""

    permission_classes = [IsEmployerStaff]
    serializer_class = PositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        return (
            employer_positions(self.request.user)
            .select_related("round", "employer", "municipality", "municipal_area")
            .prefetch_related("sites")
            .order_by("round__start_date", "reference")
        )

    def _save(self, serializer, position: Position | None) -> None:
        data = dict(serializer.validated_data)
        employer = (
            position.employer
            if position
            else organisations_of(self.request.user, *EMPLOYER_KINDS).order_by("name").first()
        )
        if employer is None:  # IsEmployerStaff lets only an employer's staff this far
            raise PermissionDenied(IsEmployerStaff.message)
        round_ = position.round if position else data.pop("round")
        data.pop("round", None)
        sites = data.pop("sites", list(position.sites.all()) if position else [])
        serializer.instance = position_save(
            position=position, round_=round_, employer=employer, data=data, sites=sites
        )

    def perform_create(self, serializer) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer) -> None:
        self._save(serializer, self.get_object())

    @extend_schema(request=None, responses={200: PositionSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        position = position_publish(position=self.get_object())
        return Response(PositionSerializer(position).data)

    @extend_schema(request=None, responses={200: PositionSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Back to draft, only while nobody has applied."""
        position = position_withdraw(position=self.get_object())
        return Response(PositionSerializer(position).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("applicant", int, description="Only this applicant's notes")],
        responses=InterviewNoteSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], request=InterviewNoteSerializer, responses=InterviewNoteSerializer
    )
    # A plain list, not paginated: the schema must not say it is.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
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
            if re.fullmatch(r"-?[0-9]+", applicant) is None:
                raise ValidationError({"applicant": "A whole number."})
            notes = notes.filter(application__applicant_id=int(applicant))
        return Response(InterviewNoteSerializer(notes, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words of the name, or an HPR number (prefix)"),
            OpenApiParameter("education", str, enum=[k for k, _l in EducationGroup.CHOICES]),
            OpenApiParameter("proficiency", str, enum=NorwegianProficiency.values),
            OpenApiParameter("prior", str, enum=[k for k, _l in PRIOR_CHOICES]),
            OpenApiParameter("ranked", str, enum=[k for k, _l in RANKED_CHOICES]),
            OpenApiParameter("sort", str, enum=list(SORTS)),
        ],
        responses=ApplicationSerializer(many=True),
    )
    # A plain list, not paginated: the schema must not say it is.
    @action(detail=True, methods=["get"], pagination_class=None)
    def applications(self, request: Request, pk: str | None = None) -> Response:
        """The position's submitted applications, searched, filtered and sorted like the
        page's applicant list (employers/filters.py)."""
        filterset = applicant_filter(self.get_object(), request.query_params)
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(ApplicationSerializer(filterset.qs, many=True).data)

    @extend_schema(methods=["GET"], responses=RankingSerializer)
    @extend_schema(
        methods=["PUT"], request=RankingSerializer, responses={200: RankingSerializer, 409: REFUSED}
    )
    # JSON only: a urlencoded form cannot tell an empty list from a missing one.
    @action(detail=True, methods=["get", "put"], parser_classes=[JSONParser])
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        position = self.get_object()
        if request.method == "PUT":
            serializer = RankingSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            employer_ranking_set(
                position=position,
                applicant_ids=serializer.validated_data["applicant_ids"],
                user=request.user,
            )
        return Response({"applicant_ids": ranking_ids(position)})

    @extend_schema(
        request=RankingMoveSerializer,
        responses={
            200: RankingSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Bad input, or a place outside the list: `{field: [message]}`.",
            ),
            409: OpenApiResponse(
                RuleViolationSerializer,
                description=(
                    "Refused by a rule (the ranking deadline has passed, the applicant is not "
                    "on the ranking); nothing was changed."
                ),
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="ranking/move", url_name="ranking-move")
    def move_in_ranking(self, request: Request, pk: str | None = None) -> Response:
        """Move a ranked applicant to another place; the others keep their order. The same
        service as the page's "Move to place" field."""
        position = self.get_object()
        serializer = RankingMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A place outside the list is 400 {"place": [...], "detail", "rule"}, any other
        # refusal 409 (lis1.api_errors).
        ids = employer_ranking_move(
            position=position,
            applicant_id=serializer.validated_data["applicant_id"],
            place=serializer.validated_data["place"],
            user=request.user,
        )
        return Response({"applicant_ids": ids})

    @extend_schema(request=None, responses={200: PositionSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], url_path="submit-ranking")
    def submit_ranking(self, request: Request, pk: str | None = None) -> Response:
        position = ranking_submit(position=self.get_object(), user=request.user)
        return Response(PositionSerializer(position).data, status=status.HTTP_200_OK)

    def _placement(self, placement_id: str) -> Placement:
        return get_object_or_404(published_placements(self.get_object()), pk=placement_id)

    @extend_schema(
        parameters=[_PLACEMENT_ID],
        request=PlacementAnswerSerializer,
        responses={200: EmployerPlacementSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path=r"placements/(?P<placement_id>\d+)/answer")
    def answer_placement(self, request: Request, pk: str, placement_id: str) -> Response:
        """Record the doctor's answer to an offer on the doctor's behalf: the same rules as
        the doctor's own answer; the doctor gets the receipt."""
        placement = self._placement(placement_id)
        serializer = PlacementAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = placement_answer(
            placement=placement,
            accept=serializer.validated_data["accept"],
            actor=request.user,
            on_behalf=True,
        )
        return Response(EmployerPlacementSerializer(placement).data)

    @extend_schema(
        parameters=[_PLACEMENT_ID],
        request=PlacementEndSerializer,
        responses={200: EmployerPlacementSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path=r"placements/(?P<placement_id>\d+)/end")
    def end_placement(self, request: Request, pk: str, placement_id: str) -> Response:
        """Record that an accepted doctor withdraws before the start or has left after it:
        the seat becomes vacant and can be offered from the list."""
        placement = self._placement(placement_id)
        serializer = PlacementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = placement_end(
            placement=placement,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            on_behalf=True,
        )
        return Response(EmployerPlacementSerializer(placement).data)

    @extend_schema(
        parameters=[_PLACEMENT_ID],
        request=PlacementStartSerializer,
        responses={200: EmployerPlacementSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path=r"placements/(?P<placement_id>\d+)/start")
    def start_placement(self, request: Request, pk: str, placement_id: str) -> Response:
        """Confirm (or correct) the day an accepted doctor started: the doctor then counts
        as hired. A refusal is 409 with the rule it breaks."""
        placement = self._placement(placement_id)
        serializer = PlacementStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        placement = placement_start(
            placement=placement,
            started_on=serializer.validated_data["started_on"],
            actor=request.user,
        )
        return Response(EmployerPlacementSerializer(placement).data)


def register(router: DefaultRouter) -> None:
    router.register("employer/positions", PositionViewSet, basename="employer-position")
