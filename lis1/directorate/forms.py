from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from lis1.rounds.enums import MatchRunKind
from lis1.ui import DesignSystemFormMixin


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

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"seed": secrets.randbelow(2**31)})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
