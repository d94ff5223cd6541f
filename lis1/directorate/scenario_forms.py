"""The scenario form: the simulation's parameters with their defaults for the chosen round,
extra seats national, per region and per trust, the directorate's proposals as switches,
the assumptions (each with its source) and an optional seats-needed question."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from lis1.reports.scenarios import SOURCES
from lis1.rounds.enums import EMPLOYER_KINDS
from lis1.rounds.models import Organisation, Region, Round
from lis1.simulation import documents, projection
from lis1.simulation.model import MAX_EARLIER, ScenarioError
from lis1.simulation_data import form_inputs
from lis1.ui import DesignSystemFormMixin

# The simulation's own limits (it refuses anything beyond them).
MAX_ROUNDS = projection.MAX_ROUNDS
MAX_REPLICATIONS = projection.MAX_REPLICATIONS
MAX_EXTRA_SEATS = 10_000
MAX_PART_ONLY_MONTHS = 12
MAX_SEED = 2**31 - 1


class Switch(forms.CheckboxInput):
    """A checkbox shown as Designsystemet's switch."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "ds-input", "role": "switch", **(attrs or {})})


def _seats_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=MAX_EXTRA_SEATS, initial=0
    )


class ScenarioForm(DesignSystemFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the scenario"), max_length=120)
    rounds = forms.IntegerField(label=_("Rounds to project"), min_value=1, max_value=MAX_ROUNDS)
    replications = forms.IntegerField(
        label=_("Replications"),
        min_value=1,
        max_value=MAX_REPLICATIONS,
        help_text=_("More replications give narrower intervals and take longer."),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("The same seed gives the same result; the baseline uses the same seeds."),
    )
    extra_seats = forms.IntegerField(
        label=_("Extra seats per round, national"),
        min_value=0,
        max_value=MAX_EXTRA_SEATS,
        help_text=_("Spread over the trusts in proportion to their seats today."),
    )
    part_only = forms.BooleanField(
        label=_("Part-only positions for doctors who lack only one part (proposal 2)"),
        required=False,
        widget=Switch(),
    )
    part_only_months = forms.IntegerField(
        label=_("Length of a part-only position (months)"),
        required=False,
        min_value=1,
        max_value=MAX_PART_ONLY_MONTHS,
    )
    fill_from_last_lists = forms.BooleanField(
        label=_("Fill the extra seats from the last round's lists (proposals 1 and 5)"),
        required=False,
        widget=Switch(),
    )
    foreign_track = forms.BooleanField(
        label=_("A separate track for doctors with long foreign experience (proposal 7)"),
        required=False,
        widget=Switch(),
    )
    foreign_track_share = forms.DecimalField(
        label=_("Share of seats in the foreign track (%)"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        decimal_places=1,
    )
    waited_rounds = forms.IntegerField(
        label=_("Doctors who have waited more than (rounds)"),
        required=False,
        min_value=0,
        max_value=MAX_EARLIER - 1,
    )
    target = forms.IntegerField(
        label=_("At most this many such doctors"), required=False, min_value=0
    )
    within = forms.IntegerField(
        label=_("Within (rounds)"), required=False, min_value=1, max_value=MAX_ROUNDS
    )

    MAIN = ("name", "rounds", "replications", "seed")
    PROPOSALS = (
        "part_only",
        "part_only_months",
        "fill_from_last_lists",
        "foreign_track",
        "foreign_track_share",
    )
    SEATS_NEEDED = ("waited_rounds", "target", "within")

    def __init__(self, *args: Any, round_: Round, defaults: dict[str, Any], **kwargs: Any):
        self.round = round_
        self.defaults = defaults
        kwargs.setdefault("initial", self.initial_from(defaults))
        super().__init__(*args, **kwargs)
        # Extra seats go to regions and trusts that have positions in the round; the
        # simulation knows them by name.
        self.regions = list(
            Region.objects.filter(organisations__positions__round=round_)
            .distinct()
            .order_by("name")
        )
        self.trusts = list(
            Organisation.objects.filter(kind__in=EMPLOYER_KINDS, positions__round=round_)
            .distinct()
            .order_by("name")
        )
        for region in self.regions:
            self.fields[f"region_{region.code}"] = _seats_field(str(region))
        for trust in self.trusts:
            self.fields[f"trust_{trust.code}"] = _seats_field(str(trust))
        # Every assumption can be changed: counts and numbers as numbers, the probabilities
        # of applying again as a list ("0.9, 0.8, …").
        self.assumptions: dict[str, dict[str, Any]] = dict(defaults.get("assumptions") or {})
        for name, assumption in self.assumptions.items():
            value = assumption.get("value")
            source = SOURCES.get(str(assumption.get("source")), str(assumption.get("source")))
            kind = documents.ASSUMPTIONS.get(name, ("number", ""))[0]
            label = _(str(assumption.get("label") or name))
            help_text = _("Source: %(source)s (%(value)s).") % {
                "source": _(source),
                "value": _assumption_text(value),
            }
            field: forms.Field
            if kind == "count":
                field = forms.IntegerField(label=label, help_text=help_text, min_value=0)
            elif kind == "probabilities":
                field = forms.CharField(label=label, help_text=help_text, max_length=200)
            else:
                field = forms.FloatField(label=label, help_text=help_text)
            self.fields[f"assumption_{name}"] = field
            self.initial.setdefault(f"assumption_{name}", _assumption_text(value))
        self.apply_design_system()

    @staticmethod
    def initial_from(defaults: dict[str, Any]) -> dict[str, Any]:
        share = float(defaults.get("foreign_track_share") or 0)
        months = int(defaults.get("part_only_months") or 0)
        initial = {k: defaults.get(k) for k in ("rounds", "replications", "seed", "extra_seats")}
        initial.update(
            part_only=months > 0,
            part_only_months=months or None,
            fill_from_last_lists=bool(defaults.get("fill_from_last_lists")),
            foreign_track=share > 0,
            foreign_track_share=round(share * 100, 1) or None,
        )
        return initial

    def group(self, names: tuple[str, ...] | list[str]) -> list[BoundField]:
        return [self[name] for name in names]

    @property
    def main_fields(self) -> list[BoundField]:
        return self.group(self.MAIN)

    @property
    def proposal_fields(self) -> list[BoundField]:
        return self.group(self.PROPOSALS)

    @property
    def seats_needed_fields(self) -> list[BoundField]:
        return self.group(self.SEATS_NEEDED)

    @property
    def region_fields(self) -> list[BoundField]:
        return self.group([f"region_{r.code}" for r in self.regions])

    @property
    def trust_fields(self) -> list[BoundField]:
        return self.group([f"trust_{t.code}" for t in self.trusts])

    @property
    def assumption_fields(self) -> list[BoundField]:
        return [self[n] for n in self.fields if n.startswith("assumption_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            self._check_with_the_simulation()
        if data.get("part_only") and not data.get("part_only_months"):
            self.add_error("part_only_months", _("Give the length of a part-only position."))
        if data.get("foreign_track") and not data.get("foreign_track_share"):
            self.add_error("foreign_track_share", _("Give the share of seats in the track."))
        asked = [data.get(n) is not None for n in self.SEATS_NEEDED]
        if any(asked) and not all(asked):
            self.add_error(
                None,
                _(
                    "To find the seats needed, give all three: the rounds waited, the target "
                    "and the rounds within which to reach it."
                ),
            )
        within, rounds = data.get("within"), data.get("rounds")
        if within is not None and rounds is not None and within > rounds:
            self.add_error("within", _("Cannot be more than the rounds projected."))
        return data

    def parameters(self) -> dict[str, Any]:
        """The parameters for `lis1.simulation_data.scenario_json`, in its shape."""
        data = self.cleaned_data
        by_region = {r.name: data.get(f"region_{r.code}") for r in self.regions}
        by_trust = {t.name: data.get(f"trust_{t.code}") for t in self.trusts}
        assumptions = {}
        for name, assumption in self.assumptions.items():
            value = data.get(f"assumption_{name}")
            if value is not None and not _same(value, assumption.get("value")):
                assumptions[name] = value
        share = data.get("foreign_track_share") if data.get("foreign_track") else None
        return {
            "rounds": data.get("rounds"),
            "replications": data.get("replications"),
            "seed": data.get("seed"),
            "extra_seats": data.get("extra_seats"),
            "extra_seats_by_region": {k: v for k, v in by_region.items() if v},
            "extra_seats_by_trust": {k: v for k, v in by_trust.items() if v},
            "part_only_months": (data.get("part_only_months") or 0) if data.get("part_only") else 0,
            "fill_from_last_lists": bool(data.get("fill_from_last_lists")),
            "foreign_track_share": float(share) / 100 if share else 0.0,
            "assumptions": assumptions,
        }

    def seats_needed_question(self) -> dict[str, int] | None:
        data = self.cleaned_data
        if data.get("waited_rounds") is None:
            return None
        return {n: data[n] for n in self.SEATS_NEEDED}

    def _check_with_the_simulation(self) -> None:
        """The simulation's own rules (a region without positions, a share out of range),
        checked here so that they are a form error rather than a failed job."""
        try:
            inputs = documents.with_assumptions(
                form_inputs(self.round), self.parameters()["assumptions"]
            )
            run = documents.parse_run(self.parameters(), inputs.snapshot)
            projection.check_market_size(inputs.snapshot, inputs.assumptions, run.rounds)
        except ScenarioError as error:
            field = self._field_of(error.field)
            params = dict(error.params)
            if "name" in params:  # the field's label, in the page's language
                label = self.fields[field].label if field else None
                params["name"] = f"«{label or params['name']}»"
            self.add_error(field, _(error.message) % params)

    def _field_of(self, name: str | None) -> str | None:
        """The form field a simulation parameter or assumption is entered in, if any."""
        if name is None:
            return None
        if name.startswith(("extra_seats_by_region[", "extra_seats_by_trust[")):
            kind, _, rest = name.partition("[")
            target = rest.rstrip("]")
            prefix, places = (
                ("region", self.regions) if kind.endswith("region") else ("trust", self.trusts)
            )
            codes = [p.code for p in places if p.name == target]
            name = f"{prefix}_{codes[0]}" if codes else name
        for field in (f"assumption_{name}", name):
            if field in self.fields:
                return field
        return None


def _assumption_text(value: Any) -> str:
    """An assumption's value as the form shows it: a list as "0.9, 0.8", a whole number
    without decimals."""
    if isinstance(value, list | tuple):
        return ", ".join(_assumption_text(v) for v in value)
    if isinstance(value, float):
        # Six significant digits: an estimate such as 1.7142857142857142 reads 1.71429, and
        # posting it back unchanged still counts as the default (compared as text).
        return f"{value:.6g}"
    return str(value)


def _same(posted: Any, default: Any) -> bool:
    """Whether a posted assumption is its default as shown (six significant digits)."""
    try:
        if isinstance(default, list | tuple):
            parts = [p for p in str(posted).replace(";", ",").split(",") if p.strip()]
            return len(parts) == len(default) and all(
                math.isclose(float(p), float(d), rel_tol=1e-5, abs_tol=1e-9)
                for p, d in zip(parts, default, strict=True)
            )
        return math.isclose(float(posted), float(default), rel_tol=1e-5, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


class RoundChoiceForm(DesignSystemFormMixin, forms.Form):
    """Which round a new scenario starts from (its data give the defaults)."""

    runde = forms.ModelChoiceField(
        label=_("Start from round"),
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label=None,
    )
