"""The positions browser's filters (django-filter): the same FilterSet serves the page and
the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import EMPLOYER_KINDS, OrganisationKind, PositionKind, Rotation
from lis1.rounds.models import MunicipalArea, Organisation, Position, Region
from lis1.ui import DesignSystemFormMixin


class FilterForm(DesignSystemFormMixin, forms.Form):
    pass


class PositionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="employer__region", queryset=Region.objects.all()
    )
    employer = django_filters.ModelChoiceFilter(
        label=_("Health trust"),
        queryset=Organisation.objects.filter(kind__in=EMPLOYER_KINDS).order_by("name"),
    )
    site = django_filters.ModelChoiceFilter(
        label=_("Hospital site"),
        method="filter_site",
        queryset=Organisation.objects.filter(kind=OrganisationKind.HOSPITAL_SITE).order_by("name"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        method="filter_municipality",
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("name"),
    )
    rotation = django_filters.ChoiceFilter(label=_("Rotation"), choices=Rotation.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PositionKind.choices)
    start_date = django_filters.DateFilter(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Position
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.required = False
        # Offer only the choices that occur among the positions being browsed: shorter lists
        # for the user (no choice that can only give an empty result) and a page that renders
        # dozens of options instead of the 357 municipalities.
        if self.queryset is not None:
            positions = self.queryset.values("pk")
            fields = self.form.fields
            fields["region"].queryset = Region.objects.filter(
                organisations__positions__in=positions
            ).distinct()
            fields["employer"].queryset = (
                fields["employer"].queryset.filter(positions__in=positions).distinct()
            )
            fields["site"].queryset = (
                fields["site"].queryset.filter(site_positions__in=positions).distinct()
            )
            fields["municipality"].queryset = (
                fields["municipality"]
                .queryset.filter(
                    Q(municipal_positions__in=positions) | Q(areas__positions__in=positions)
                )
                .distinct()
            )

    def search(self, queryset: QuerySet[Position], name: str, value: str) -> QuerySet[Position]:
        condition = Q()
        for word in value.split()[:8]:
            sites = Position.sites.through.objects.filter(
                position_id=OuterRef("pk"), organisation__name__icontains=word
            )
            condition &= (  # type: ignore[assignment]
                Q(title__icontains=word)
                | Q(reference__icontains=word)
                | Q(description__icontains=word)
                | Q(employer__name__icontains=word)
                | Q(municipality__name__icontains=word)
                | Q(municipal_area__name__icontains=word)
                | Exists(sites)
            )
        return queryset.filter(condition)

    def filter_site(
        self, queryset: QuerySet[Position], name: str, value: Any
    ) -> QuerySet[Position]:
        sites = Position.sites.through.objects.filter(
            position_id=OuterRef("pk"), organisation=value
        )
        return queryset.filter(Exists(sites))

    def filter_municipality(
        self, queryset: QuerySet[Position], name: str, value: Any
    ) -> QuerySet[Position]:
        areas = MunicipalArea.objects.filter(municipalities=value).values("pk")
        return queryset.filter(Q(municipality=value) | Q(municipal_area__in=areas))
