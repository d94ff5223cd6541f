"""The positions browser's filters (django-filter): the same FilterSet serves the page and
the API."""

from __future__ import annotations

import hashlib
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import EMPLOYER_KINDS, OrganisationKind, PositionKind, Rotation
from lis1.rounds.models import MunicipalArea, Organisation, Position, Region
from lis1.ui import DesignSystemFormMixin

#: The facet lists are keyed by the positions' count and latest change, so an edit shows at
#: once; the timeout only bounds what an edit outside Position.save (an area's membership,
#: an organisation's name) can leave stale.
FACETS_TIMEOUT = 300

Choices = list[tuple[int, str]]


def _sorted(pairs: dict[int, str]) -> Choices:
    return sorted(pairs.items(), key=lambda pair: (pair[1], pair[0]))


def position_facets(positions: QuerySet[Position]) -> dict[str, Choices]:
    """The regions, employers, hospital sites and municipalities that occur among
    `positions`, each as (pk, name) sorted by name, for the filter form's choices.

    One aggregate query tells whether the cached lists still hold; building them costs three
    plain queries."""
    positions = positions.order_by()
    state = positions.aggregate(n=Count("pk"), changed=Max("updated_at"))
    if not state["n"]:
        # Nothing to choose from (no current round: the queryset may be an empty one whose
        # SQL cannot even be written out for the cache key).
        return _position_facets(positions.none())
    scope = hashlib.sha256(str(positions.values("pk").query).encode()).hexdigest()[:24]
    changed = state["changed"].isoformat() if state["changed"] else "-"
    key = f"position-facets:{scope}:{state['n']}:{changed}"
    facets: dict[str, Choices] | None = cache.get(key)
    if facets is None:
        facets = _position_facets(positions)
        cache.set(key, facets, FACETS_TIMEOUT)
    return facets


def _position_facets(positions: QuerySet[Position]) -> dict[str, Choices]:
    regions: dict[int, str] = {}
    employers: dict[int, str] = {}
    municipalities: dict[int, str] = {}
    area_ids: set[int] = set()
    for (
        employer,
        employer_name,
        region,
        region_name,
        town,
        town_name,
        area,
    ) in positions.values_list(
        "employer_id",
        "employer__name",
        "employer__region_id",
        "employer__region__name",
        "municipality_id",
        "municipality__name",
        "municipal_area_id",
    ):
        employers[employer] = employer_name
        if region is not None:
            regions[region] = region_name
        if town is not None:
            municipalities[town] = town_name
        if area is not None:
            area_ids.add(area)
    sites = dict(
        Position.sites.through.objects.filter(position__in=positions.values("pk")).values_list(
            "organisation_id", "organisation__name"
        )
    )
    if area_ids:
        municipalities.update(
            MunicipalArea.municipalities.through.objects.filter(
                municipalarea_id__in=area_ids
            ).values_list("organisation_id", "organisation__name")
        )
    return {
        "region": _sorted(regions),
        "employer": _sorted(employers),
        "site": _sorted(sites),
        "municipality": _sorted(municipalities),
    }


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
        # dozens of options instead of the 357 municipalities. The lists come from the cache;
        # a chosen value is still checked against the database.
        if self.queryset is not None:
            for name, choices in position_facets(self.queryset).items():
                field = self.form.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]

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


class IdFilter(django_filters.NumberFilter):
    """An object's id, a whole number (the form's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class PositionApiFilter(PositionFilter):
    """The same filters for the API, where a region, trust, site or municipality is given by
    its id: an id nothing has gives no positions (as the schema's integer promises), not the
    form's "Select a valid choice" 400."""

    region = IdFilter(label=_("Region"), field_name="employer__region")
    employer = IdFilter(label=_("Health trust"), field_name="employer")
    site = IdFilter(label=_("Hospital site"), method="filter_site")
    municipality = IdFilter(label=_("Municipality"), method="filter_municipality")
    # ISO 8601 only, as the schema's `format: date` says (the form also takes 03.12.2026).
    start_date = django_filters.DateFilter(label=_("Start date"), input_formats=["%Y-%m-%d"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No facet lists: the API takes any id.
        django_filters.FilterSet.__init__(self, *args, **kwargs)
        for field in self.form.fields.values():
            field.required = False
