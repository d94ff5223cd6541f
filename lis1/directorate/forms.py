from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lis1.rounds.calendar import CALENDAR_FIELDS, DATETIME_FIELDS, LABELS
from lis1.rounds.enums import MatchRunKind, Season
from lis1.ui import DesignSystemFormMixin

_DATETIME = "%Y-%m-%dT%H:%M"


class CalendarForm(DesignSystemFormMixin, forms.Form):
    """The round's eight dates, entered and shown in Norwegian time, and the reason for a
    change that needs one. The rules are checked by lis1.rounds.calendar, not here."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when a date that has passed is moved, or a date is moved into the past. "
            "Kept in the round's log."
        ),
    )

    def __init__(self, *args: Any, frozen: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in DATETIME_FIELDS:
            self.fields[field] = forms.DateTimeField(
                label=LABELS[field],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME),
                help_text=_("Norwegian time."),
                disabled=field in frozen,
            )
        self.fields["start_date"] = forms.DateField(
            label=LABELS["start_date"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("1 March or 1 September."),
            disabled="start_date" in frozen,
        )
        # The reason last, after the dates.
        self.fields["reason"] = self.fields.pop("reason")
        self.apply_design_system()  # the date fields were added after the mixin ran

    def calendar(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in CALENDAR_FIELDS}


class RoundCreateForm(CalendarForm):
    season = forms.ChoiceField(label=_("Season"), choices=Season.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["season", "year", *CALENDAR_FIELDS, "reason"])
        self.fields["reason"].label = _("Reason")
        self.fields["reason"].help_text = _(
            "Needed only when a date is already in the past. Kept in the round's log."
        )


class StartMatchRunForm(DesignSystemFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of run"),
        choices=[(k.value, k.label) for k in (MatchRunKind.MAIN, MatchRunKind.FOLLOW_UP)],
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**63 - 1,
        help_text=_(
            "The seed makes every random choice reproducible. A random seed is suggested; "
            "anyone can re-run the match with it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"seed": secrets.randbelow(2**31), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)


class PublishForm(DesignSystemFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Publish although some positions have no submitted ranking"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the run and in the round's log."),
    )

    def __init__(self, *args: Any, unstable: bool = False, unranked: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # One confirmation covers every warning the page shows; its label names them.
        if unstable and unranked:
            self.fields["confirm"].label = _(
                "Publish although some positions have no submitted ranking and the matching "
                "is not stable"
            )
        elif unstable:
            self.fields["confirm"].label = _("Publish although the matching is not stable")


class ReasonForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the round's log."),
    )


class SeatAdditionForm(DesignSystemFormMixin, forms.Form):
    seats = forms.IntegerField(label=_("Extra seats"), min_value=1, max_value=50, initial=1)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the decision that funds the extra seats."),
    )
