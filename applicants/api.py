"""API endpoints of the applicant's side, registered on the project's router by lis1/api.py.

The same services as the pages, the same scoped querysets (another applicant's object is a
404), session authentication with CSRF."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import Serializer

from applicants import serializers as s
from applicants.downloads import document_file_response
from applicants.filters import PositionApiFilter
from applicants.models import Document
from applicants.services import (
    application_documents_set,
    document_create,
    document_delete,
    document_replace,
)
from lis1.api_errors import NOT_FOUND, REFUSED
from lis1.rounds.errors import RuleViolation
from lis1.rounds.models import (
    ApplicantRanking,
    Couple,
    CouplePreference,
    Placement,
    Position,
    Round,
)
from lis1.rounds.permissions import IsApplicant, own_applications, own_couples
from lis1.rounds.selectors import (
    placements_of_applicant,
    positions_for_applicants,
    ranking_of_applicant,
    round_current,
)
from lis1.rounds.services.applications import (
    applicant_ranking_set,
    application_submit,
    application_withdraw,
    couple_answer,
    couple_dissolve,
    couple_invite,
    couple_pairs_set,
)
from lis1.rounds.services.placements import placement_answer, placement_end


class ApplicantViewSet(viewsets.GenericViewSet):
    permission_classes = [IsApplicant]

    @property
    def applicant(self):
        return self.request.user.applicant

    @property
    def schema_only(self) -> bool:
        # drf-spectacular inspects the views without a user or a database.
        return getattr(self, "swagger_fake_view", False)


def _current_round() -> Round:
    """The current round, or a refusal (409) saying there is none."""
    current = round_current()
    if current is None:
        raise RuleViolation("no_current_round", _("There is no application round at the moment."))
    return current


class ProfileViewSet(ApplicantViewSet):
    serializer_class = s.ApplicantProfileSerializer
    pagination_class = None

    @extend_schema(responses=s.ApplicantProfileSerializer)
    @action(detail=False, methods=["get"], url_path="me")
    def me(self, request: Request) -> Response:
        return Response(self.get_serializer(self.applicant).data)

    @extend_schema(request=s.ApplicantProfileSerializer, responses=s.ApplicantProfileSerializer)
    @me.mapping.patch
    def update_me(self, request: Request) -> Response:
        serializer = self.get_serializer(self.applicant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ApplicantViewSet
):
    serializer_class = s.ApplicantDocumentSerializer
    # A file travels only in multipart/form-data (a urlencoded form cannot carry one).
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if self.schema_only:
            return Document.objects.none()
        return Document.objects.filter(applicant=self.applicant)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_create(
            applicant=self.applicant,
            kind=serializer.validated_data["kind"],
            title=serializer.validated_data.get("title", ""),
            upload=serializer.validated_data["file"],
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ApplicantDocumentReplaceSerializer, responses=s.ApplicantDocumentSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        serializer = s.ApplicantDocumentReplaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document_replace(document=document, upload=serializer.validated_data["file"])
        return Response(self.get_serializer(document).data)

    @extend_schema(responses={204: None, 409: REFUSED})
    def destroy(self, request: Request, pk: str) -> Response:
        document_delete(document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        # The queryset is the applicant's own documents: 404 for anyone else's.
        return document_file_response(self.get_object())


@extend_schema_view(
    list=extend_schema(
        parameters=[
            # Filters by method have no type django-filter can tell drf-spectacular.
            OpenApiParameter("site", int, description="A hospital site's id."),
            OpenApiParameter("municipality", int, description="A municipality's id."),
        ]
    )
)
class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApplicantViewSet):
    """The current round's published positions, with the page's filters."""

    serializer_class = s.ApplicantPositionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PositionApiFilter

    def get_queryset(self):
        if self.schema_only:
            return Position.objects.none()
        return positions_for_applicants(round_current())


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApplicantViewSet):
    serializer_class = s.ApplicantApplicationSerializer

    def get_queryset(self):
        return (
            own_applications(self.request.user)
            .prefetch_related("attachments")
            .order_by("-created_at")
        )

    @extend_schema(
        request=s.ApplicantApplicationCreateSerializer,
        responses={201: s.ApplicantApplicationSerializer, 404: NOT_FOUND, 409: REFUSED},
    )
    def create(self, request: Request) -> Response:
        data = s.ApplicantApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = get_object_or_404(
            positions_for_applicants(round_current()), pk=data.validated_data["position"]
        )
        documents = list(
            Document.objects.filter(
                applicant=self.applicant, pk__in=data.validated_data.get("documents", [])
            )
        )
        if len(documents) != len(set(data.validated_data.get("documents", []))):
            raise ValidationError({"documents": ["Unknown document."]})
        with transaction.atomic():
            application = application_submit(
                applicant=self.applicant,
                position=position,
                motivation=data.validated_data.get("motivation", ""),
                user=request.user,
            )
            application_documents_set(application=application, documents=documents)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=application.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: s.ApplicantApplicationSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        application = application_withdraw(application=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)


class RankingViewSet(mixins.ListModelMixin, ApplicantViewSet):
    """The applicant's ranking in the current round, most wanted first."""

    serializer_class = s.ApplicantRankingEntrySerializer
    pagination_class = None
    # JSON only: a urlencoded form cannot tell an empty list from a missing one.
    parser_classes = [JSONParser]

    def get_queryset(self):
        if self.schema_only:
            return ApplicantRanking.objects.none()
        return ranking_of_applicant(self.applicant, round_current())

    @extend_schema(
        request=s.ApplicantRankingOrderSerializer,
        responses={200: s.ApplicantRankingEntrySerializer(many=True), 409: REFUSED},
    )
    @action(detail=False, methods=["put"])
    def order(self, request: Request) -> Response:
        data = s.ApplicantRankingOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        current = _current_round()
        applicant_ranking_set(
            applicant=self.applicant,
            round_=current,
            position_ids=data.validated_data["positions"],
            user=request.user,
        )
        return Response(self.get_serializer(self.get_queryset(), many=True).data)


class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApplicantViewSet):
    """Placements from published match runs, the answer to an offer, and giving up an
    accepted position."""

    serializer_class = s.ApplicantPlacementSerializer

    def get_queryset(self):
        if self.schema_only:
            return Placement.objects.none()
        return placements_of_applicant(self.applicant).select_related("position__employer__region")

    @extend_schema(
        request=s.ApplicantPlacementAnswerSerializer,
        responses={200: s.ApplicantPlacementSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        return self._act(request, s.ApplicantPlacementAnswerSerializer, placement_answer)

    @extend_schema(
        request=s.ApplicantPlacementWithdrawSerializer,
        responses={200: s.ApplicantPlacementSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Give up an accepted position: withdrawn before the start date, left after it
        (final; the seat goes to the next on the employer's list)."""
        return self._act(request, s.ApplicantPlacementWithdrawSerializer, placement_end)

    def _act(
        self,
        request: Request,
        input_serializer: type[Serializer],
        service: Callable[..., Placement],
    ) -> Response:
        """Validate the input, call the service with the placement, the applicant as actor
        and the input's fields, and answer with the placement as it now is."""
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = service(placement=self.get_object(), actor=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=placement.pk)).data)


class CoupleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApplicantViewSet):
    """Applying as a couple: invite a partner, answer an invitation, dissolve, and the joint
    list of position pairs. The list shows the current round's couple (dissolved ones are
    gone); any other applicant's couple is a 404."""

    serializer_class = s.ApplicantCoupleSerializer

    def get_queryset(self):
        if self.schema_only:
            return Couple.objects.none()
        couples = own_couples(self.request.user)
        if self.action == "list":
            couples = couples.filter(round=round_current())
        return couples.select_related("first", "second", "round").order_by("-invited_at")

    def get_serializer_context(self) -> dict[str, object]:
        context = super().get_serializer_context()
        if not self.schema_only:
            context["applicant"] = self.applicant
        return context

    def _out(self, couple: Couple) -> Response:
        # Not through the scoped queryset: a declined or dissolved couple is still the answer.
        couple = Couple.objects.select_related("first", "second", "round").get(pk=couple.pk)
        return Response(self.get_serializer(couple).data)

    @extend_schema(
        request=s.ApplicantCoupleInviteSerializer,
        responses={201: s.ApplicantCoupleSerializer, 409: REFUSED},
    )
    def create(self, request: Request) -> Response:
        """Invite a partner (another applicant, by the e-mail address of the account)."""
        data = s.ApplicantCoupleInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        current = _current_round()
        couple = couple_invite(
            inviter=self.applicant, round_=current, partner_email=data.validated_data["email"]
        )
        response = self._out(couple)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        request=s.ApplicantCoupleAnswerSerializer,
        responses={200: s.ApplicantCoupleSerializer, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        """The invited partner accepts or declines (a declined couple is dissolved)."""
        data = s.ApplicantCoupleAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        couple = couple_answer(
            couple=self.get_object(),
            applicant=self.applicant,
            accept=data.validated_data["accept"],
        )
        return self._out(couple)

    @extend_schema(request=None, responses={200: s.ApplicantCoupleSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def dissolve(self, request: Request, pk: str) -> Response:
        """Either member ends the couple or withdraws the invitation; the list is deleted."""
        couple = couple_dissolve(
            couple=self.get_object(), applicant=self.applicant, user=request.user
        )
        return self._out(couple)

    def _pairs(self, couple: Couple) -> Response:
        preferences = (
            CouplePreference.objects.filter(couple=couple)
            .select_related("first_position", "second_position")
            .order_by("rank")
        )
        return Response(s.ApplicantCouplePairSerializer(preferences, many=True).data)

    @extend_schema(responses=s.ApplicantCouplePairSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, parser_classes=[JSONParser])
    def pairs(self, request: Request, pk: str) -> Response:
        """The couple's joint list of position pairs, most wanted first."""
        return self._pairs(self.get_object())

    @extend_schema(
        request=s.ApplicantCouplePairsSerializer,
        responses={200: s.ApplicantCouplePairSerializer(many=True), 409: REFUSED},
    )
    @pairs.mapping.put
    def replace_pairs(self, request: Request, pk: str) -> Response:
        """Replace the whole list (an accepted couple, before the ranking deadline)."""
        couple = self.get_object()
        data = s.ApplicantCouplePairsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        couple_pairs_set(
            couple=couple,
            applicant=self.applicant,
            pairs=[
                (pair["first_position"], pair["second_position"])
                for pair in data.validated_data["pairs"]
            ],
            user=request.user,
        )
        return self._pairs(couple)


def register(router: DefaultRouter) -> None:
    """Register the applicant's viewsets under /api/applicant/..."""
    router.register("applicant/profile", ProfileViewSet, basename="applicant-profile")
    router.register("applicant/documents", DocumentViewSet, basename="applicant-document")
    router.register("applicant/positions", PositionViewSet, basename="applicant-position")
    router.register("applicant/applications", ApplicationViewSet, basename="applicant-application")
    router.register("applicant/ranking", RankingViewSet, basename="applicant-ranking")
    router.register("applicant/placements", PlacementViewSet, basename="applicant-placement")
    router.register("applicant/couples", CoupleViewSet, basename="applicant-couple")
