"""Forms of the employer pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import OrganisationKind, PositionKind
from lis1.rounds.models import POSITION_FIELDS, MunicipalArea, Organisation, Position
from lis1.rounds.services.positions import rounds_open_for_positions
from lis1.ui import DesignSystemFormMixin


class PositionForm(DesignSystemFormMixin, forms.ModelForm):
    """A position's fields; sites and areas are limited to the employer's own."""

    alis_url = forms.URLField(
        label=capfirst(Position._meta.get_field("alis_url").verbose_name),
        help_text=Position._meta.get_field("alis_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Position
        fields = ["round", *POSITION_FIELDS]  # the round only when creating
        widgets = {
            "kind": forms.RadioSelect,
            "sites": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, employer: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds_open_for_positions()  # type: ignore[attr-defined]
        self.fields["round"].help_text = _("Rounds whose application deadline has not passed.")
        if self.instance.pk:
            self.fields["round"].disabled = True
            self.fields["round"].queryset = self.fields["round"].queryset | type(  # type: ignore[attr-defined]
                self.instance.round
            ).objects.filter(pk=self.instance.round_id)
        self.fields["sites"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.HOSPITAL_SITE, parent=employer
        )
        self.fields["sites"].help_text = _("Two sites when the hospital year is split.")
        self.fields["municipality"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.MUNICIPALITY
        ).order_by("name")
        self.fields["municipal_area"].queryset = MunicipalArea.objects.filter(employer=employer)  # type: ignore[attr-defined]
        self.fields["municipal_area"].help_text = _(
            "Or an area: the doctors placed here rank its municipalities later."
        )
        self.fields["rotation"].help_text = _("Not for municipality-only positions.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("municipality") and data.get("municipal_area"):
            self.add_error(
                "municipal_area", _("Choose either one municipality or an area, not both.")
            )
        kind = data.get("kind")
        if kind == PositionKind.HOSPITAL_ONLY and (
            data.get("municipality") or data.get("municipal_area")
        ):
            self.add_error("municipality", _("A hospital-only position has no municipal part."))
        if kind in (PositionKind.FULL, PositionKind.MUNICIPALITY_ONLY) and not (
            data.get("municipality") or data.get("municipal_area")
        ):
            self.add_error(
                "municipality", _("Choose the municipality or area of the municipal part.")
            )
        if kind in (PositionKind.FULL, PositionKind.HOSPITAL_ONLY) and not data.get("rotation"):
            self.add_error("rotation", _("A position with a hospital part needs a rotation."))
        return data

    def validate_unique(self) -> None:
        # The service reports a reference clash as a form error (round is not always bound).
        pass


class InterviewNoteForm(DesignSystemFormMixin, forms.Form):
    text = forms.CharField(
        label=_("New interview note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only staff of your trust can read the notes."),
    )


class CsvUploadForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, comma or semicolon separated."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


def _default_deadline() -> dt.datetime:
    return (timezone.localtime() + dt.timedelta(days=3)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )


class VacancyFillForm(DesignSystemFormMixin, forms.Form):
    answer_deadline = forms.DateTimeField(
        label=_("Answer deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=_default_deadline,
        help_text=_("Norwegian time."),
    )


class PlacementEndForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the placement and shown to the doctor in the receipt."),
    )


class PlacementStartForm(DesignSystemFormMixin, forms.Form):
    """The day the doctor started; whether it may be recorded is `placement_start`'s rule."""

    started_on = forms.DateField(
        label=_("Started on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The position's start date unless the doctor started on another day."),
        error_messages={"required": _("Give the date the doctor started.")},
    )


class RankingPlaceForm(forms.Form):
    """The place typed into a ranked row's "Move to place" field; whether the place is on
    the list is the ranking service's rule (`ranking_move_to`)."""

    to = forms.IntegerField(
        label=_("Place"),
        error_messages={
            "required": _("Give the new place as a number."),
            "invalid": _("Give the new place as a whole number."),
        },
    )
