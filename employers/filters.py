"""The employer's list of a position's applicants: search, filters and sort (django-filter,
like the applicant's positions browser in applicants/filters.py).

The FilterSet works on `applications_for_review(position)`: submitted applications with the
applicant joined and the place on the employer's list as a subquery (`list_rank`), and the
number of interview notes (`note_count`, for the sort); `applicant_filter` builds it, for the
page, the page's "add all" and the API alike. Search looks at names and HPR numbers only;
the national identity number is never searched."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from employers.models import InterviewNote
from lis1.rounds.countries import EEA_COUNTRIES, NORWAY, OTHER_EEA_COUNTRIES
from lis1.rounds.eligibility import hospital_done_q, municipal_done_q
from lis1.rounds.enums import NorwegianProficiency
from lis1.rounds.models import Application, Position
from lis1.rounds.selectors import _subquery_count, applications_for_review
from lis1.ui import DesignSystemFormMixin


class EducationGroup:
    NORWAY = "norway"
    EEA = "eea"
    OUTSIDE = "outside"
    CHOICES = [
        (NORWAY, _("Educated in Norway")),
        (EEA, _("Educated elsewhere in the EU/EEA")),
        (OUTSIDE, _("Educated outside the EU/EEA")),
    ]


PRIOR_CHOICES = [
    ("none", _("None")),
    ("some", _("Some")),
    ("hospital_done", _("Hospital part done")),
    ("municipal_done", _("Municipal part done")),
]

RANKED_CHOICES = [("yes", _("Ranked")), ("no", _("Not ranked"))]

_NAME = ("applicant__family_name", "applicant__given_name", "pk")
_NAME_DESC = (F("applicant__family_name").desc(), F("applicant__given_name").desc(), "-pk")

#: The sort orders, each ending in the name and the primary key, so a page boundary is stable.
SORTS: dict[str, tuple[Any, tuple[str | OrderBy, ...]]] = {
    "name": (_("Name, A–Å"), _NAME),
    "-name": (_("Name, Å–A"), _NAME_DESC),
    "rank": (
        _("Place on our list, ranked first"),
        (F("list_rank").asc(nulls_last=True), *_NAME),
    ),
    "education_year": (
        _("Education year, earliest first"),
        (F("applicant__education_year").asc(nulls_last=True), *_NAME),
    ),
    "-education_year": (
        _("Education year, latest first"),
        (F("applicant__education_year").desc(nulls_last=True), *_NAME),
    ),
    "prior": (
        _("Prior LIS1 service, most first"),
        (
            (F("applicant__prior_hospital_months") + F("applicant__prior_municipal_months")).desc(),
            *_NAME,
        ),
    ),
    "notes": (_("Interview notes, most first"), (F("note_count").desc(), *_NAME)),
    "applied": (_("Applied, latest first"), (F("submitted_at").desc(), *_NAME)),
}
DEFAULT_SORT = "name"

#: A search of more words than this looks at the first ones only (each word is a condition).
SEARCH_WORDS = 6


class ApplicantFilterForm(DesignSystemFormMixin, forms.Form):
    pass


class ApplicantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name or HPR number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    education = django_filters.ChoiceFilter(
        label=_("Education"),
        choices=EducationGroup.CHOICES,
        empty_label=_("All"),
        method="filter_education",
    )
    proficiency = django_filters.ChoiceFilter(
        label=_("Norwegian"),
        choices=NorwegianProficiency.choices,
        empty_label=_("All"),
        field_name="applicant__norwegian_proficiency",
    )
    prior = django_filters.ChoiceFilter(
        label=_("Prior LIS1 service"),
        choices=PRIOR_CHOICES,
        empty_label=_("All"),
        method="filter_prior",
    )
    ranked = django_filters.ChoiceFilter(
        label=_("Ranked"), choices=RANKED_CHOICES, empty_label=_("All"), method="filter_ranked"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        empty_label=None,
        method="sort_by",
    )

    class Meta:
        model = Application
        fields: list[str] = []
        form = ApplicantFilterForm

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet:
        condition = Q()
        for word in value.split()[:SEARCH_WORDS]:
            if word.isdigit():
                # An HPR number has at most nine digits: an identity number (eleven) never
                # matches, and nothing else is searched for digits.
                condition &= Q(applicant__hpr_number__startswith=word)
            else:
                condition &= Q(applicant__given_name__icontains=word) | Q(
                    applicant__family_name__icontains=word
                )
        return queryset.filter(condition)

    def filter_education(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == EducationGroup.NORWAY:
            return queryset.filter(applicant__education_country=NORWAY)
        if value == EducationGroup.EEA:
            return queryset.filter(applicant__education_country__in=sorted(OTHER_EEA_COUNTRIES))
        if value == EducationGroup.OUTSIDE:
            return queryset.exclude(applicant__education_country__in=sorted(EEA_COUNTRIES))
        return queryset

    def filter_prior(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(
                applicant__prior_hospital_months=0, applicant__prior_municipal_months=0
            )
        if value == "some":
            return queryset.filter(
                Q(applicant__prior_hospital_months__gt=0)
                | Q(applicant__prior_municipal_months__gt=0)
            )
        if value == "hospital_done":
            return queryset.filter(hospital_done_q("applicant__"))
        if value == "municipal_done":
            return queryset.filter(municipal_done_q("applicant__"))
        return queryset

    def filter_ranked(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(list_rank__isnull=False)
        if value == "no":
            return queryset.filter(list_rank__isnull=True)
        return queryset

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT])[1])

    def narrowed(self) -> bool:
        """Whether a search or filter (not only a sort) is in force."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return any(value for key, value in data.items() if key != "sort")


def applicant_filter(position: Position, data: Any) -> ApplicantFilter:
    """The FilterSet over the position's submitted applications (unbound without `data`)."""
    notes = InterviewNote.objects.filter(application=OuterRef("pk"))
    applications = applications_for_review(position).annotate(
        note_count=Coalesce(_subquery_count(notes, "application"), 0)
    )
    return ApplicantFilter(data or None, queryset=applications)
