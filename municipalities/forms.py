"""Forms of the municipality pages."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lis1.ui import DesignSystemFormMixin
from municipalities.models import ReviewDecision


class RankingReviewForm(DesignSystemFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (ReviewDecision.APPROVED, _("Approve the ranking")),
            (ReviewDecision.COMMENTED, _("Comment on the ranking")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with a comment; optional with an approval."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == ReviewDecision.COMMENTED and not data.get("comment", "").strip():
            self.add_error("comment", _("Write the comment."))
        return data


class PlacesForm(DesignSystemFormMixin, forms.Form):
    municipality = forms.TypedChoiceField(label=_("Municipality"), coerce=int)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=100)

    def __init__(self, *args: Any, municipalities, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(m.pk, m.name) for m in municipalities]  # type: ignore[attr-defined]


class PlacementRunForm(DesignSystemFormMixin, forms.Form):
    """Start date and seed; with `readiness` that needs it (doctors without a wish list, or
    fewer places than doctors), also the "Run anyway" confirmation with the numbers. Whether
    it is needed is the service's rule: the form only offers the checkbox."""

    start_date = forms.TypedChoiceField(label=_("Start date"), coerce=str)
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**63 - 1,
        initial=lambda: secrets.randbelow(2**31),
        help_text=_("Recorded with the run: the same seed and lists give the same result."),
    )

    def __init__(self, *args: Any, start_dates, readiness=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].choices = [  # type: ignore[attr-defined]
            (d.isoformat(), date_format(d, "SHORT_DATE_FORMAT")) for d in start_dates
        ]
        if readiness is not None and readiness.needs_confirmation:
            self.fields["confirm"] = forms.BooleanField(
                label=run_anyway_label(readiness),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "ds-input"}),
            )


def run_anyway_label(readiness) -> str:
    """ "Run anyway" with the numbers that make it a risk."""
    return str(
        _("Run anyway: %(problems)s")
        % {"problems": " ".join(str(problem) for problem in readiness.problems())}
    )


class MunicipalityRankingForm(DesignSystemFormMixin, forms.Form):
    """One number field per municipality of the area: the doctor's rank of it."""

    def __init__(self, *args: Any, municipalities, current: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = len(municipalities)
        for municipality in municipalities:
            self.fields[f"m{municipality.pk}"] = forms.IntegerField(
                label=municipality.name,
                min_value=1,
                max_value=count,
                required=False,
                initial=current.get(municipality.pk),
                help_text=_("1 is your first choice; leave empty if you do not want it."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ranks = [v for v in data.values() if v is not None]
        if len(set(ranks)) != len(ranks):
            raise forms.ValidationError(_("Give each municipality a different number."))
        return data

    def ordered_ids(self) -> list[int]:
        pairs = [(v, int(k[1:])) for k, v in self.cleaned_data.items() if v is not None]
        return [pk for _rank, pk in sorted(pairs)]
