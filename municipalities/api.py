"""API endpoints of municipality staff, registered on the project's router by lis1/api.py.

The same services and scoped querysets as the pages: another municipality's position, area
or run is 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lis1.rounds.models import MunicipalArea, Position, Round
from lis1.rounds.permissions import (
    areas_of_municipality_staff,
    municipality_positions,
    reviewing_municipalities,
)
from lis1.rounds.selectors import employer_ranking_entries
from municipalities.models import MunicipalPlacementRun, RankingReview, ReviewDecision
from municipalities.services import MunicipalError, municipal_placement_start, ranking_review_add


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

    serializer_class = MunicipalPositionSerializer

    def get_queryset(self) -> QuerySet[Position]:
        return (
            Position.objects.filter(pk__in=municipality_positions(self.request.user).values("pk"))
            .select_related("employer", "round")
            .order_by("round__start_date", "reference")
        )

    @extend_schema(responses=RankedApplicantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ranking(self, request: Request, pk: str | None = None) -> Response:
        entries = employer_ranking_entries(self.get_object())
        return Response(RankedApplicantSerializer(entries, many=True).data)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ReviewInputSerializer, responses=ReviewSerializer(many=True)
    )
    @action(detail=True, methods=["get", "post"])
    def reviews(self, request: Request, pk: str | None = None) -> Response:
        position = self.get_object()
        if request.method == "POST":
            serializer = ReviewInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                created = [
                    ranking_review_add(
                        position=position,
                        municipality=m,
                        user=request.user,
                        **serializer.validated_data,
                    )
                    for m in reviewing_municipalities(request.user, position)
                ]
            except MunicipalError as error:
                raise ValidationError({"detail": str(error)}) from None
            return Response(ReviewSerializer(created, many=True).data, status=201)
        reviews = position.ranking_reviews.select_related("municipality", "created_by")  # type: ignore[attr-defined]
        return Response(ReviewSerializer(reviews, many=True).data)


class AssignmentSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    applicant_id = serializers.IntegerField(source="placement.applicant_id")
    position = serializers.IntegerField(source="placement.position_id")
    municipality = serializers.CharField(
        source="municipality.municipality_number", allow_null=True, default=None
    )


class PlacementRunSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=MunicipalArea.objects.all())
    round = serializers.SlugRelatedField(slug_field="slug", queryset=Round.objects.all())
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = MunicipalPlacementRun
        fields = [
            "id",
            "area",
            "round",
            "start_date",
            "seed",
            "status",
            "input_sha256",
            "engine_version",
            "created_at",
            "finished_at",
            "assignments",
        ]
        read_only_fields = ["status", "input_sha256", "engine_version", "created_at", "finished_at"]


class PlacementRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Municipal placement runs of the user's areas (random serial dictatorship)."""

    serializer_class = PlacementRunSerializer

    def get_queryset(self) -> QuerySet[MunicipalPlacementRun]:
        return (
            MunicipalPlacementRun.objects.filter(
                area__in=areas_of_municipality_staff(self.request.user).values("pk")
            )
            .select_related("area", "round")
            .prefetch_related("assignments__placement", "assignments__municipality")
        )

    def perform_create(self, serializer) -> None:  # type: ignore[no-untyped-def]
        area = serializer.validated_data["area"]
        if not areas_of_municipality_staff(self.request.user).filter(pk=area.pk).exists():
            raise NotFound
        try:
            serializer.instance = municipal_placement_start(
                area=area,
                round_=serializer.validated_data["round"],
                start_date=serializer.validated_data["start_date"],
                seed=serializer.validated_data["seed"],
                user=self.request.user,
            )
        except MunicipalError as error:
            raise ValidationError({"detail": str(error)}) from None


def register(router: DefaultRouter) -> None:
    router.register(
        "municipality/positions", MunicipalPositionViewSet, basename="municipality-position"
    )
    router.register(
        "municipality/placement-runs", PlacementRunViewSet, basename="municipal-placement-run"
    )
