"""API endpoints of municipality staff, registered on the project's router by lis1/api.py.

The same services and scoped querysets as the pages: another municipality's position, area
or run is 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lis1.api_errors import NOT_FOUND, REFUSED
from lis1.rounds.models import MunicipalArea, Position, Round
from lis1.rounds.permissions import (
    IsMunicipalityStaff,
    areas_of_municipality_staff,
    municipality_positions,
    reviewing_municipalities,
)
from lis1.rounds.selectors import employer_ranking_entries
from municipalities.models import (
    MunicipalAssignment,
    MunicipalPlacementRun,
    RankingReview,
    ReviewDecision,
)
from municipalities.services import (
    PlacementReadiness,
    RunSummary,
    municipal_placement_readiness,
    municipal_placement_start,
    municipal_run_summary,
    ranking_review_add,
)


class MunicipalPositionSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name")
    round = serializers.CharField(source="round.slug")

    class Meta:
        model = Position
        fields = [
            "id",
            "round",
            "employer",
            "reference",
            "title",
            "kind",
            "start_date",
            "seats",
            "ranking_submitted_at",
        ]


class RankedApplicantSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    applicant_id = serializers.IntegerField()
    name = serializers.CharField(source="applicant.full_name")


class ReviewSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name", read_only=True)
    created_by = serializers.CharField(source="created_by.email", read_only=True, default=None)

    class Meta:
        model = RankingReview
        fields = [
            "id",
            "municipality",
            "decision",
            "comment",
            "ranking_snapshot",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["ranking_snapshot", "created_at"]


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MunicipalPositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Positions whose municipal part is the user's municipality: the employer's ranking and
    the municipality's approvals or comments."""

    permission_classes = [IsMunicipalityStaff]
    serializer_class = MunicipalPositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        return (
            Position.objects.filter(pk__in=municipality_positions(self.request.user).values("pk"))
            .select_related("employer", "round")
            .order_by("round__start_date", "reference")
        )

    @extend_schema(responses=RankedApplicantSerializer(many=True))
    # A plain list, not paginated: the schema must not say it is.
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        entries = employer_ranking_entries(self.get_object())
        return Response(RankedApplicantSerializer(entries, many=True).data)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer(many=True), 409: REFUSED},
    )
    # A plain list, not paginated: the schema must not say it is.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        position = self.get_object()
        if request.method == "POST":
            serializer = ReviewInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            created = [
                ranking_review_add(
                    position=position,
                    municipality=m,
                    user=request.user,
                    **serializer.validated_data,
                )
                for m in reviewing_municipalities(request.user, position)
            ]
            return Response(ReviewSerializer(created, many=True).data, status=201)
        reviews = position.ranking_reviews.select_related("municipality", "created_by")
        return Response(ReviewSerializer(reviews, many=True).data)


class AssignmentSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    applicant_id = serializers.IntegerField(source="placement.applicant_id")
    position = serializers.IntegerField(source="placement.position_id")
    municipality = serializers.CharField(
        source="municipality.municipality_number", allow_null=True, default=None
    )
    reason = serializers.SerializerMethodField(
        help_text="Why the doctor got no municipality: no_wish_list or choices_full (every "
        "municipality on the list was full); null for a doctor who got one."
    )

    def get_reason(self, assignment: MunicipalAssignment) -> str | None:
        return self.context.get("reasons", {}).get(assignment.placement_id)


class RunSummarySerializer(serializers.Serializer):
    placed = serializers.IntegerField()
    without_place = serializers.IntegerField()
    without_wish_list = serializers.IntegerField()
    choices_full = serializers.IntegerField()


class PlacementRunSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=MunicipalArea.objects.all())
    round = serializers.SlugRelatedField(slug_field="slug", queryset=Round.objects.all())
    confirm = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Run although doctors have no wish list or there are fewer places than "
        "doctors (refused with 409, rule confirmation_required, without it).",
    )
    summary = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta:
        model = MunicipalPlacementRun
        fields = [
            "id",
            "area",
            "round",
            "start_date",
            "seed",
            "confirm",
            "status",
            "input_sha256",
            "engine_version",
            "created_at",
            "finished_at",
            "summary",
            "assignments",
        ]
        read_only_fields = ["status", "input_sha256", "engine_version", "created_at", "finished_at"]

    @staticmethod
    def _summary(run: MunicipalPlacementRun) -> RunSummary | None:
        """Read once per run (it parses the run's recorded input and result)."""
        if not hasattr(run, "_run_summary"):
            run._run_summary = municipal_run_summary(run)  # type: ignore[attr-defined]
        return run._run_summary  # type: ignore[attr-defined]

    @extend_schema_field(RunSummarySerializer(allow_null=True))
    def get_summary(self, run: MunicipalPlacementRun) -> dict[str, int] | None:
        summary = self._summary(run)
        return RunSummarySerializer(summary).data if summary is not None else None

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, run: MunicipalPlacementRun) -> list[dict[str, object]]:
        summary = self._summary(run)
        return AssignmentSerializer(
            run.assignments.all(),
            many=True,
            context={"reasons": summary.reasons if summary else {}},
        ).data


class MunicipalityPlacesSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.municipality_number")
    name = serializers.CharField(source="municipality.name")
    places = serializers.IntegerField()


class ReadinessSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    doctors = serializers.IntegerField(help_text="Placed doctors holding a seat in the area.")
    with_wish_list = serializers.IntegerField()
    without_wish_list = serializers.IntegerField()
    places_total = serializers.IntegerField()
    places = MunicipalityPlacesSerializer(many=True)
    municipalities_without_places = serializers.SerializerMethodField()
    needs_confirmation = serializers.BooleanField(
        help_text="Starting a run needs confirm=true (doctors without a wish list, or fewer "
        "places than doctors)."
    )

    def get_municipalities_without_places(self, readiness: PlacementReadiness) -> list[str]:
        return [m.municipality_number for m in readiness.without_places]


class ReadinessQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField()
    round = serializers.SlugField()
    start_date = serializers.DateField()


@extend_schema_view(
    create=extend_schema(
        responses={201: PlacementRunSerializer, 404: NOT_FOUND, 409: REFUSED},
    )
)
class PlacementRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Municipal placement runs of the user's areas (random serial dictatorship). A refused
    start is 409 with the rule's name (confirmation_required, no_places, ...)."""

    permission_classes = [IsMunicipalityStaff]
    serializer_class = PlacementRunSerializer

    def get_queryset(self) -> QuerySet[MunicipalPlacementRun]:
        return (
            MunicipalPlacementRun.objects.filter(
                area__in=areas_of_municipality_staff(self.request.user).values("pk")
            )
            .select_related("area", "round")
            .prefetch_related("assignments__placement", "assignments__municipality")
        )

    def perform_create(self, serializer) -> None:
        area = serializer.validated_data["area"]
        if not areas_of_municipality_staff(self.request.user).filter(pk=area.pk).exists():
            raise NotFound
        # A MunicipalError reaches the project's handler: 409 {"detail", "rule"}.
        serializer.instance = municipal_placement_start(
            area=area,
            round_=serializer.validated_data["round"],
            start_date=serializer.validated_data["start_date"],
            seed=serializer.validated_data["seed"],
            user=self.request.user,
            confirm=serializer.validated_data["confirm"],
        )

    @extend_schema(
        parameters=[ReadinessQuerySerializer],
        responses={200: ReadinessSerializer, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def readiness(self, request: Request) -> Response:
        """What a run of the area and start date would work with: placed doctors, wish
        lists, places per municipality, and whether starting needs confirm=true."""
        query = ReadinessQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = (
            areas_of_municipality_staff(request.user)
            .filter(pk=query.validated_data["area"])
            .first()
        )
        round_ = Round.objects.filter(slug=query.validated_data["round"]).first()
        if area is None or round_ is None:
            raise NotFound
        readiness = municipal_placement_readiness(
            area=area, round_=round_, start_date=query.validated_data["start_date"]
        )
        return Response(ReadinessSerializer(readiness).data)


def register(router: DefaultRouter) -> None:
    router.register(
        "municipality/positions", MunicipalPositionViewSet, basename="municipality-position"
    )
    router.register(
        "municipality/placement-runs", PlacementRunViewSet, basename="municipal-placement-run"
    )
