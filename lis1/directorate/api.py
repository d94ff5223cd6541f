"""API: the directorate runs a round's lifecycle (directorate staff only). `register(router)`
is called by the project's router in lis1/api.py.

- GET   /api/directorate/rounds/                       rounds with phase and headline counts
- POST  /api/directorate/rounds/                       create a round (201)
- GET   /api/directorate/rounds/{slug}/                calendar, phase, next step, decisions,
                                                       checklist, match runs
- PATCH /api/directorate/rounds/{slug}/                change calendar dates (optional reason)
- POST  /api/directorate/rounds/{slug}/match-runs/     start a main or follow-up match (202)
- POST  /api/directorate/rounds/{slug}/follow-up/      open the follow-up
- POST  /api/directorate/rounds/{slug}/close/          close the round (optional reason)
- GET   /api/directorate/match-runs/{id}/              a run: job, statistics, check, e-mails
- POST  /api/directorate/match-runs/{id}/verify/       start the background check (202)
- POST  /api/directorate/match-runs/{id}/publish/      publish (confirm and reason if needed)
- POST  /api/directorate/match-runs/{id}/rerun/        run a failed run again (202)

Every rule is the services' (the same calls as the directorate's pages in rounds.py and
views.py). A refusal reaches lis1.api_errors, which answers 409 `{"detail", "rule"}`; an
invalid calendar is 400 with messages per field; the services are atomic, so a refused
request changes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lis1.api_errors import REFUSED
from lis1.directorate.selectors import round_checklist_items, run_context
from lis1.jobs.models import JobStatus
from lis1.notifications.models import EmailBatch
from lis1.rounds import outcomes
from lis1.rounds.calendar import Action, calendar_allows, calendar_prefill, round_next_step
from lis1.rounds.checklist import ChecklistItem
from lis1.rounds.enums import MatchRunKind, RoundPhase, Season
from lis1.rounds.models import MatchRun, MatchRunCheck, Round
from lis1.rounds.permissions import IsDirectorateStaff
from lis1.rounds.selectors import round_counts_attach
from lis1.rounds.services.matching import (
    match_run_publish,
    match_run_rerun,
    match_run_start,
    match_run_verify_start,
    problem_message,
)
from lis1.rounds.services.rounds import (
    round_calendar_update,
    round_close,
    round_create,
    round_follow_up_open,
)

#: A run's canonical instance and result are megabytes in a national round: never loaded here.
_BLOBS = ("instance_json", "result_json")

#: The runs the directorate starts (a direct offer is made by an employer, not started here).
START_KINDS = [(k.value, k.label) for k in (MatchRunKind.MAIN, MatchRunKind.FOLLOW_UP)]


# Errors, as lis1.api_errors writes them ------------------------------------------------------


INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Bad input: messages per field, `{field: [message, ...]}`."
)
INVALID_CALENDAR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        "Bad input: messages per field, `{field: [message, ...]}`: also a calendar out of "
        "order, a start date that does not fit the season, a duplicate round (`year`), or a "
        "date that has passed moved without a reason (then `reason` has a message too)."
    ),
)


# Rounds -----------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    missing = serializers.IntegerField()
    ok = serializers.BooleanField()
    explanation = serializers.CharField()
    blocks_publication = serializers.BooleanField(
        help_text="Publishing while this item is not ok needs `confirm` and a `reason`."
    )
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="When the numbers were counted, for an item kept up to a minute in the "
        "shared cache (the complete applications); null: counted for this response.",
    )


class RoundActionsSerializer(serializers.Serializer):
    """What the round's calendar and decisions allow now (the page's buttons)."""

    start_main_match = serializers.BooleanField()
    publish_main = serializers.BooleanField()
    open_follow_up = serializers.BooleanField()
    follow_up_match = serializers.BooleanField()
    close = serializers.BooleanField()
    edit_calendar = serializers.BooleanField()


class MatchRunBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "seed",
            "stable",
            "verified_ok",
            "published_at",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class RoundListSerializer(serializers.ModelSerializer):
    """A round with its phase and headline counts (round_counts_attach)."""

    name = serializers.CharField(source="__str__", read_only=True)
    phase = serializers.ChoiceField(
        choices=RoundPhase.choices,
        read_only=True,
        help_text="Derived from the calendar and the decisions taken.",
    )
    phase_label = serializers.SerializerMethodField()
    position_count = serializers.IntegerField(read_only=True)
    seat_count = serializers.IntegerField(read_only=True)
    application_count = serializers.IntegerField(read_only=True)
    applicant_count = serializers.IntegerField(read_only=True)
    offered_count = serializers.IntegerField(read_only=True, help_text=outcomes.OFFERED.definition)
    accepted_count = serializers.IntegerField(
        read_only=True, help_text=outcomes.ACCEPTED.definition
    )
    hired_count = serializers.IntegerField(read_only=True, help_text=outcomes.HIRED.definition)
    applicants_per_seat = serializers.SerializerMethodField()
    counts_as_of = serializers.DateTimeField(
        read_only=True, help_text="When the counts were counted (at most a minute ago)."
    )

    class Meta:
        model = Round
        fields = [
            "slug",
            "name",
            "season",
            "year",
            "phase",
            "phase_label",
            "start_date",
            "published_at",
            "follow_up_opened_at",
            "closed_at",
            "position_count",
            "seat_count",
            "application_count",
            "applicant_count",
            "offered_count",
            "accepted_count",
            "hired_count",
            "applicants_per_seat",
            "counts_as_of",
        ]
        read_only_fields = fields

    def get_phase_label(self, round_: Round) -> str:
        return str(RoundPhase(round_.phase).label)

    def get_applicants_per_seat(self, round_: Round) -> float | None:
        seats = round_.seat_count  # type: ignore[attr-defined]
        return round(round_.applicant_count / seats, 2) if seats else None  # type: ignore[attr-defined]


class RoundSerializer(RoundListSerializer):
    """One round: its calendar, phase and next step, decisions, checklist and match runs."""

    next_step = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    match_runs = serializers.SerializerMethodField()

    class Meta(RoundListSerializer.Meta):
        fields = [
            *RoundListSerializer.Meta.fields[:6],
            "advertising_opens",
            "applications_open",
            "applications_close",
            "ranking_deadline",
            "match_date",
            "results_published",
            "answer_deadline",
            *RoundListSerializer.Meta.fields[6:],
            "next_step",
            "actions",
            "checklist",
            "match_runs",
        ]
        read_only_fields = fields

    def get_next_step(self, round_: Round) -> str:
        return round_next_step(round_)

    @extend_schema_field(RoundActionsSerializer)
    def get_actions(self, round_: Round) -> dict[str, bool]:
        return {
            name: calendar_allows(round_, action)
            for name, action in (
                ("start_main_match", Action.START_MAIN_MATCH),
                ("publish_main", Action.PUBLISH_MAIN),
                ("open_follow_up", Action.OPEN_FOLLOW_UP),
                ("follow_up_match", Action.FOLLOW_UP_MATCH),
                ("close", Action.CLOSE),
                ("edit_calendar", Action.EDIT_CALENDAR),
            )
        }

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, round_: Round) -> list[dict[str, Any]]:
        items: list[ChecklistItem] = round_checklist_items(round_)
        return ChecklistItemSerializer(items, many=True).data

    @extend_schema_field(MatchRunBriefSerializer(many=True))
    def get_match_runs(self, round_: Round) -> list[dict[str, Any]]:
        """The round's main and follow-up runs, newest first (direct offers are counted on
        the employers' side)."""
        runs = (
            round_.match_runs.exclude(kind=MatchRunKind.DIRECT_OFFER)
            .defer(*_BLOBS)
            .order_by("-created_at", "-pk")
        )
        return MatchRunBriefSerializer(runs, many=True).data


_DATE_HELP = "Norwegian time (Europe/Oslo) when given without an offset."


def _reason_field(help_text: str) -> serializers.CharField:
    """The optional reason a decision is given with (blank when left out)."""
    return serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text=help_text
    )


class RoundCalendarSerializer(serializers.Serializer):
    """Some or all of the round's dates; those left out stay as they are."""

    advertising_opens = serializers.DateTimeField(
        required=False, help_text="Positions published. " + _DATE_HELP
    )
    applications_open = serializers.DateTimeField(required=False, help_text=_DATE_HELP)
    applications_close = serializers.DateTimeField(
        required=False, help_text="The application deadline. " + _DATE_HELP
    )
    ranking_deadline = serializers.DateTimeField(required=False, help_text=_DATE_HELP)
    match_date = serializers.DateTimeField(
        required=False, help_text="The planned match run. " + _DATE_HELP
    )
    results_published = serializers.DateTimeField(
        required=False, help_text="The planned publication. " + _DATE_HELP
    )
    answer_deadline = serializers.DateTimeField(required=False, help_text=_DATE_HELP)
    start_date = serializers.DateField(
        required=False,
        help_text="1 September for a spring round, 1 March of the next year for an autumn one.",
    )
    reason = _reason_field(
        "Needed when a date that has passed is moved, or a date is moved into the past. "
        "Kept in the round's log."
    )


class RoundCreateSerializer(RoundCalendarSerializer):
    """A new round. Dates left out are proposed by the calendar: the same season a year
    before moved one year on, else the published timeline of a round."""

    season = serializers.ChoiceField(choices=Season.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reason = _reason_field(
        "Needed only when a date is already in the past. Kept in the round's log."
    )


class ReasonSerializer(serializers.Serializer):
    reason = _reason_field("Kept in the round's log.")


class MatchRunStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=START_KINDS,
        help_text="The main match after the ranking deadline; a follow-up match once the "
        "follow-up is open.",
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        help_text="Makes every random choice reproducible; a random one when left out. "
        "Anyone can re-run the match with it.",
    )


# Match runs -------------------------------------------------------------------------------


class FillRowSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    placed = serializers.IntegerField()
    unfilled = serializers.IntegerField()


class MatchRunStatisticsSerializer(serializers.Serializer):
    """The engine's counts and the fill per trust and region (not the per-position table)."""

    applicants = serializers.IntegerField(required=False)
    matched = serializers.IntegerField(required=False)
    unmatched = serializers.IntegerField(required=False)
    seats = serializers.IntegerField(required=False)
    filled_seats = serializers.IntegerField(required=False)
    unfilled_seats = serializers.IntegerField(required=False)
    choice_histogram = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Placed applicants by the rank of their position on their own list.",
    )
    couple_choice_histogram = serializers.DictField(
        child=serializers.IntegerField(), required=False
    )
    couples = serializers.IntegerField(required=False)
    couples_placed_together = serializers.IntegerField(required=False)
    couples_one_member_matched = serializers.IntegerField(required=False)
    couples_unmatched = serializers.IntegerField(required=False)
    couples_not_inserted = serializers.IntegerField(required=False)
    by_trust = serializers.DictField(child=FillRowSerializer(), required=False)
    by_region = serializers.DictField(child=FillRowSerializer(), required=False)
    verdict = serializers.ChoiceField(
        choices=["stable", "none_exists", "unknown", "skipped"],
        required=False,
        help_text="Whether a stable matching exists (the exact check): stable, none_exists "
        "(proven), unknown (its budget was spent) or skipped (round over its size limit).",
    )
    exact = serializers.DictField(
        required=False,
        allow_null=True,
        help_text="What the exact check did: solver and encoder versions, matching_source, "
        "blocking_agents, encoding_sha256 (see the README's result format).",
    )


class CheckProblemSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="hash_mismatch, result_differs, blocking_pairs or placements_differ."
    )
    message = serializers.CharField(help_text="The problem in words, in the request's language.")


class MatchRunCheckSerializer(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField(
        help_text="Empty when the run verifies (once the check has succeeded).",
    )

    @extend_schema_field(CheckProblemSerializer(many=True))
    def get_problems(self, check: MatchRunCheck) -> list[dict[str, str]]:
        return [
            {"code": str(problem.get("code")), "message": problem_message(problem)}
            for problem in check.problems
        ]

    class Meta:
        model = MatchRunCheck
        fields = ["id", "status", "problems", "error", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class EmailBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailBatch
        fields = [
            "status",
            "progress_done",
            "progress_total",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class MatchRunDownloadsSerializer(serializers.Serializer):
    instance = serializers.CharField(help_text="The canonical instance JSON (lis1-match/1).")
    result = serializers.CharField(help_text="The engine's result JSON.")


class MatchRunSerializer(serializers.ModelSerializer):
    """A match run: its job, result, verification, publication and results e-mails."""

    # The newest check, the e-mail batch and `busy` come in the context, from the pages'
    # own lis1.directorate.selectors.run_context, so API and page agree on them.

    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requested_by = serializers.StringRelatedField()
    published_by = serializers.StringRelatedField()
    progress_percent = serializers.IntegerField(read_only=True, allow_null=True)
    statistics = serializers.SerializerMethodField()
    check = serializers.SerializerMethodField(help_text="The newest verification, if any.")
    results_emails = serializers.SerializerMethodField(
        help_text="The results e-mails, once the run is published."
    )
    busy = serializers.SerializerMethodField(
        help_text="Something is still running: the run, its check or its e-mails."
    )
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "round",
            "kind",
            "status",
            "seed",
            "progress_done",
            "progress_total",
            "progress_percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "requested_by",
            "rerun_of",
            "engine_version",
            "input_sha256",
            "stable",
            "verified_at",
            "verified_ok",
            "published_at",
            "published_by",
            "publish_reason",
            "answer_deadline",
            "load_ms",
            "engine_ms",
            "write_ms",
            "statistics",
            "check",
            "results_emails",
            "busy",
            "downloads",
        ]
        read_only_fields = fields

    @extend_schema_field(MatchRunStatisticsSerializer(allow_null=True))
    def get_statistics(self, run: MatchRun) -> dict[str, Any] | None:
        if run.status != JobStatus.SUCCEEDED or run.kind == MatchRunKind.DIRECT_OFFER:
            return None
        return MatchRunStatisticsSerializer(run.statistics or {}).data

    @extend_schema_field(MatchRunCheckSerializer(allow_null=True))
    def get_check(self, run: MatchRun) -> dict[str, Any] | None:
        check = self.context.get("check")
        return MatchRunCheckSerializer(check).data if check is not None else None

    @extend_schema_field(EmailBatchSerializer(allow_null=True))
    def get_results_emails(self, run: MatchRun) -> dict[str, Any] | None:
        batch = self.context.get("batch")
        return EmailBatchSerializer(batch).data if batch is not None else None

    def get_busy(self, run: MatchRun) -> bool:
        return bool(self.context.get("busy", run.in_progress))

    @extend_schema_field(MatchRunDownloadsSerializer(allow_null=True))
    def get_downloads(self, run: MatchRun) -> dict[str, str] | None:
        if run.status != JobStatus.SUCCEEDED or run.kind == MatchRunKind.DIRECT_OFFER:
            return None
        return {
            "instance": reverse("directorate:match_run_instance", args=[run.pk]),
            "result": reverse("directorate:match_run_result", args=[run.pk]),
        }


class MatchRunPublishSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        default=False,
        help_text="Publish although some positions have no submitted ranking or the matching "
        "is not stable (needs a reason).",
    )
    reason = _reason_field("Kept with the run and in the round's log.")


def _runs() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("round", "requested_by", "published_by").defer(*_BLOBS)


def _run_response(run: MatchRun, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The run as it is now (a background job may have moved it on since the service returned)."""
    fresh = _runs().get(pk=run.pk)
    context = run_context(fresh)
    return Response(MatchRunSerializer(fresh, context=context).data, status=status_code)


# Views ------------------------------------------------------------------------------------


class DirectorateViewSet(viewsets.GenericViewSet):
    permission_classes = [IsDirectorateStaff]


@extend_schema_view(
    list=extend_schema(description="Every round with its phase and headline counts, newest first."),
    retrieve=extend_schema(
        description="A round: its calendar, phase and next step, the decisions taken, what "
        "may be done now, the checklist before matching and publishing, and its match runs."
    ),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DirectorateViewSet):
    """The round's lifecycle: create, read, change the calendar, start match runs, open the
    follow-up, close."""

    lookup_field = "slug"
    serializer_class = RoundListSerializer

    def get_queryset(self) -> QuerySet[Round]:
        # Counts are attached to the rounds shown (round_counts_attach); the services lock and
        # re-read the round themselves.
        return Round.objects.order_by("-start_date")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rounds = round_counts_attach(page if page is not None else self.get_queryset())
        data = RoundListSerializer(rounds, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def get_serializer_class(self):
        return RoundListSerializer if self.action == "list" else RoundSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def _detail(self, round_: Round, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The round as the service returned it (each returns the row it locked and wrote)."""
        counted = round_counts_attach([round_])[0]
        return Response(RoundSerializer(counted).data, status=status_code)

    @extend_schema(
        request=RoundCreateSerializer,
        responses={201: RoundSerializer, 400: INVALID_CALENDAR, 409: REFUSED},
    )
    def create(self, request: Request) -> Response:
        """Create a round. Dates left out are proposed from the same season a year before
        (moved one year on, on the same weekdays), else from the published timeline of a
        round; dates already in the past need a `reason`."""
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        season, year = values.pop("season"), values.pop("year")
        reason = values.pop("reason")
        round_ = round_create(
            season=season,
            year=year,
            calendar={**calendar_prefill(season, year), **values},
            created_by=request.user,
            reason=reason,
        )
        return self._detail(round_, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=RoundCalendarSerializer,
        responses={200: RoundSerializer, 400: INVALID_CALENDAR, 409: REFUSED},
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        """Change some of the round's dates. A date that has passed, or a new date in the
        past, moves only with a `reason`; once results are published the dates up to
        publication cannot move (409); a closed round's calendar is final (409)."""
        round_ = self.get_object()
        data = RoundCalendarSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        changed = round_calendar_update(
            round_=round_, calendar=values, changed_by=request.user, reason=reason
        )
        return self._detail(changed)

    @extend_schema(
        request=MatchRunStartSerializer,
        responses={202: MatchRunSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="match-runs")
    def match_runs(self, request: Request, slug: str) -> Response:
        """Start a match run; it runs in the background (poll the run)."""
        round_ = self.get_object()
        data = MatchRunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = match_run_start(
            round_=round_,
            kind=data.validated_data["kind"],
            seed=data.validated_data.get("seed", secrets.randbelow(2**31)),
            requested_by=request.user,
        )
        return _run_response(run, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: RoundSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, slug: str) -> Response:
        """After the answer deadline: unanswered offers lapse and vacant seats can be matched
        again from the same lists."""
        return self._detail(round_follow_up_open(round_=self.get_object(), opened_by=request.user))

    @extend_schema(
        request=ReasonSerializer, responses={200: RoundSerializer, 400: INVALID, 409: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, slug: str) -> Response:
        """Close the round after the answer deadline; its final report is then generated."""
        round_ = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        closed = round_close(
            round_=round_, closed_by=request.user, reason=data.validated_data["reason"]
        )
        return self._detail(closed)


class MatchRunViewSet(mixins.RetrieveModelMixin, DirectorateViewSet):
    """A match run: progress, statistics, verification, publication, running it again."""

    serializer_class = MatchRunSerializer

    def get_queryset(self) -> QuerySet[MatchRun]:
        return _runs()

    def retrieve(self, request: Request, pk: str) -> Response:
        """A run: status and progress, statistics once done, the newest verification and its
        problems, and the results e-mails once published."""
        run = self.get_object()
        return Response(MatchRunSerializer(run, context=run_context(run)).data)

    @extend_schema(request=None, responses={202: MatchRunSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        """Start the background check: re-run the engine on the stored instance and compare
        the result byte for byte, run the verifier, compare with the placements."""
        run = self.get_object()
        match_run_verify_start(match_run=run, requested_by=request.user)
        return _run_response(run, status_code=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=MatchRunPublishSerializer,
        responses={200: MatchRunSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish a verified run (irreversible). While positions lack a submitted ranking, or
        when the matching is not stable, it needs `confirm` and a `reason`; the results e-mails
        then start in the background."""
        run = self.get_object()
        data = MatchRunPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        match_run_publish(
            match_run=run,
            published_by=request.user,
            confirm=data.validated_data["confirm"],
            reason=data.validated_data["reason"],
        )
        return _run_response(run)

    @extend_schema(request=None, responses={202: MatchRunSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, pk: str) -> Response:
        """Run a failed run again as a new run with the same kind and seed."""
        again = match_run_rerun(match_run=self.get_object(), requested_by=request.user)
        return _run_response(again, status_code=status.HTTP_202_ACCEPTED)


def register(router: DefaultRouter) -> None:
    router.register("directorate/rounds", RoundViewSet, basename="directorate-round")
    router.register("directorate/match-runs", MatchRunViewSet, basename="directorate-match-run")
