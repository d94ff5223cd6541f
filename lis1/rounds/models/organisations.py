"""Who takes part: regional health authorities, trusts and their hospital sites,
municipalities (and areas of several), the directorate, and the staff who work there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import EMPLOYER_KINDS, OrganisationKind


class Region(models.Model):
    """One of the four regional health authorities (RHF) that own the health trusts."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A health trust, private non-profit hospital, hospital site, municipality or the directorate.

    Hospital sites belong to their employer through `parent`; municipalities carry their
    2024 municipality and county numbers.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"), max_length=9, blank=True, help_text=_("Nine digits.")
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("belongs to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    county_number = models.CharField(_("county number"), max_length=2, blank=True)
    county_name = models.CharField(_("county"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    catchment_counties = models.CharField(
        _("catchment counties"),
        max_length=100,
        blank=True,
        help_text=_("County numbers of a trust's partner municipalities, separated by |."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_number="") | Q(org_number__regex=r"^[0-9]{9}$"),
                name="organisation_org_number_nine_digits",
                violation_error_message=_("An organisation number has nine digits."),
            ),
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number=""),
                name="organisation_org_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MUNICIPALITY)
                | Q(municipality_number__regex=r"^[0-9]{4}$", county_number__regex=r"^[0-9]{2}$"),
                name="organisation_municipality_has_numbers",
                violation_error_message=_(
                    "A municipality needs its municipality and county number."
                ),
            ),
            models.UniqueConstraint(
                fields=["municipality_number"],
                condition=Q(kind=OrganisationKind.MUNICIPALITY),
                name="organisation_municipality_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.HOSPITAL_SITE) | Q(parent__isnull=False),
                name="organisation_site_has_employer",
                violation_error_message=_("A hospital site belongs to a trust or hospital."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_employer(self) -> bool:
        return self.kind in EMPLOYER_KINDS


class MunicipalArea(models.Model):
    """Several municipalities that together provide the municipal part of a trust's positions.

    The exact municipality is given later: placed doctors rank the area's municipalities and
    places are handed out in a randomly drawn order.
    """

    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="municipal_areas",
        limit_choices_to={"kind__in": EMPLOYER_KINDS},
    )
    name = models.CharField(_("name"), max_length=200)
    municipalities = models.ManyToManyField(
        Organisation,
        verbose_name=_("municipalities"),
        related_name="areas",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )

    class Meta:
        verbose_name = _("municipal area")
        verbose_name_plural = _("municipal areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "name"], name="area_unique_name_per_employer"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMembership(models.Model):
    """A user working for an organisation: employer staff, municipality staff or directorate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
