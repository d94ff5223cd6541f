"""Admin pages for directorate staff: search, filters and list columns on the shared model.
National identity numbers are never listed or searchable in clear; look-up goes through the
keyed hash (search an 11-digit number and it is matched on the hash)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lis1.rounds import identity
from lis1.rounds.models import (
    Applicant,
    ApplicantRanking,
    Application,
    Couple,
    CouplePreference,
    EmployerRanking,
    MatchRun,
    MunicipalArea,
    Organisation,
    Placement,
    Position,
    Region,
    Round,
    RoundEvent,
    StaffMembership,
)
from lis1.rounds.models.matching import BLOB_FIELDS


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "org_number", "municipality_number", "county_name"]
    list_filter = ["kind", "region", "county_name"]
    search_fields = ["name", "code", "org_number", "municipality_number"]
    autocomplete_fields = ["parent"]
    list_select_related = ["region"]


@admin.register(MunicipalArea)
class MunicipalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "employer"]
    list_filter = ["employer"]
    search_fields = ["name", "employer__name"]
    autocomplete_fields = ["employer", "municipalities"]
    list_select_related = ["employer"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation__kind"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "organisation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rounds, match runs and placements change only through their services (the directorate's
    pages and API), which enforce the round's rules and record who did what; the admin shows
    them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "applications_close",
        "ranking_deadline",
        "start_date",
        "published_at",
        "closed_at",
    ]
    list_filter = ["season", "year"]
    search_fields = ["slug"]


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdmin):
    list_display = ["round", "kind", "actor", "at"]
    list_filter = ["round", "kind"]
    list_select_related = ["round", "actor"]
    # Every decision of every round: no second count of the whole table.
    show_full_result_count = False


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "employer",
        "round",
        "kind",
        "seats",
        "status",
        "applications",
    ]
    list_filter = ["round", "status", "kind", "rotation", "employer__region", "employer"]
    search_fields = ["reference", "title", "employer__name"]
    autocomplete_fields = ["employer", "municipality", "municipal_area", "sites"]
    list_select_related = ["employer", "round"]
    show_full_result_count = False  # thousands of advertisements a round

    def get_queryset(self, request: HttpRequest) -> QuerySet[Position]:
        # A correlated count: computed for the page's rows only, not grouped over every
        # application of every round (1.5 s at 45,000 applicants).
        applications = (
            Application.objects.filter(position=OuterRef("pk"))
            .order_by()
            .values("position")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                application_count=Coalesce(Subquery(applications, output_field=IntegerField()), 0)
            )
        )

    @admin.display(description=_("applications"), ordering="application_count")
    def applications(self, obj: Position) -> int:
        return obj.application_count  # type: ignore[attr-defined]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_name",
        "masked_national_id",
        "nationality",
        "education_country",
        "education_year",
        "authorisation",
    ]
    list_filter = ["authorisation", "norwegian_proficiency", "gender", "education_country"]
    search_fields = ["family_name", "given_name", "user__email", "hpr_number"]
    # The encrypted number and its hash never appear in a form; staff see the birth-date part.
    exclude = ["national_id_encrypted", "national_id_hash"]
    readonly_fields = [
        "masked_national_id",
        "birth_date",
        "is_d_number",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["user"]
    show_full_result_count = False  # every doctor who ever applied

    @admin.display(description=_("national identity number"))
    def masked_national_id(self, obj: Applicant) -> str:
        return obj.national_id_masked(show_birth_date=True)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Applicant], search_term: str
    ) -> tuple[QuerySet[Applicant], bool]:
        number = identity.normalise_identity_number(search_term)
        if len(number) == 11 and number.isdigit():
            return queryset.filter(national_id_hash=identity.hash_identity_number(number)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # Newest first by the primary key (an index): the model's ordering sorted the whole
    # table, up to a million rows, for each page; and no second count of the whole table.
    ordering = ["-pk"]
    show_full_result_count = False
    list_display = ["applicant", "position", "status", "submitted_at"]
    list_filter = ["status", "position__round", "position__employer"]
    search_fields = ["applicant__family_name", "position__reference", "position__title"]
    raw_id_fields = ["applicant", "position"]
    list_select_related = ["applicant", "position"]


@admin.register(ApplicantRanking)
class ApplicantRankingAdmin(admin.ModelAdmin):
    # Newest first by the primary key (an index): the model's ordering sorted the whole
    # table, up to a million rows, for each page; and no second count of the whole table.
    ordering = ["-pk"]
    show_full_result_count = False
    list_display = ["applicant", "rank", "position", "round"]
    list_filter = ["round"]
    search_fields = ["applicant__family_name", "position__reference"]
    raw_id_fields = ["applicant", "position"]
    list_select_related = ["applicant", "position", "round"]


@admin.register(EmployerRanking)
class EmployerRankingAdmin(admin.ModelAdmin):
    # Newest first by the primary key (an index): the model's ordering sorted the whole
    # table, up to a million rows, for each page; and no second count of the whole table.
    ordering = ["-pk"]
    show_full_result_count = False
    list_display = ["position", "rank", "applicant"]
    list_filter = ["position__round", "position__employer"]
    search_fields = ["position__reference", "applicant__family_name"]
    raw_id_fields = ["applicant", "position"]
    list_select_related = ["applicant", "position"]


class CouplePreferenceInline(admin.TabularInline):
    model = CouplePreference
    raw_id_fields = ["first_position", "second_position"]
    extra = 0


@admin.register(Couple)
class CoupleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round", "status", "accepted_at"]
    list_filter = ["round", "status"]
    search_fields = ["first__family_name", "second__family_name"]
    raw_id_fields = ["first", "second"]
    # The couple's name is its members' names.
    list_select_related = ["first", "second", "round"]
    inlines = [CouplePreferenceInline]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "seed", "stable", "engine_ms", "published_at"]
    list_filter = ["round", "kind", "status"]
    readonly_fields = ["input_sha256", "engine_version", "statistics", "created_at"]
    exclude = list(BLOB_FIELDS)  # large; downloaded from the directorate pages
    list_select_related = ["round"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchRun]:
        # The list never shows the run's instance and result (megabytes each).
        return super().get_queryset(request).defer(*BLOB_FIELDS)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    # Newest first by the primary key (an index): the model's ordering sorted the whole
    # table, up to a million rows, for each page; and no second count of the whole table.
    ordering = ["-pk"]
    show_full_result_count = False
    list_display = ["applicant", "position", "status", "choice_rank", "answered_at"]
    list_filter = ["status", "match_run__round", "position__employer"]
    search_fields = ["applicant__family_name", "position__reference"]
    raw_id_fields = ["applicant", "position", "match_run", "municipality"]
    list_select_related = ["applicant", "position"]
