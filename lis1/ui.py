"""Shared helpers for server-rendered pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.forms.utils import flatatt
from django.http import HttpRequest, QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst


class FastSelect(forms.Select):
    """A Select that renders its options in Python.

    Django renders every <option> through a template, which costs about a millisecond per
    ten options; a filter form with the 357 municipalities made that most of a page's time.
    The markup is the same as Django's."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every part is escaped above)


class DesignSystemFormMixin:
    """Give every widget the Designsystemet input class, so forms need no per-field markup,
    and every label a capital first letter: labels often come from a model's verbose_name,
    which is lower case by Django's convention (and so are its translations)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.apply_design_system()

    def apply_design_system(self) -> None:
        """Style every widget (again, for fields a subclass adds after __init__)."""
        for field in self.fields.values():  # type: ignore[attr-defined]
            if field.label:
                field.label = capfirst(field.label)
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                continue
            if "ds-input" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()
            if type(widget) is forms.Select:
                # Same widget, faster rendering: FastSelect only overrides render().
                widget.__class__ = FastSelect


# The one form protocol of ranked lists (static/js/ranking.js and the plain forms) ----------

RANKING_ROW_VERBS = ("up", "down", "to", "add", "remove")


@dataclass(frozen=True)
class RankingChange:
    """One change of a ranked list as posted by its page, with or without JavaScript:

    - ``action=<verb>:<key>`` for one row (``up``, ``down``, ``to`` with the place in ``to``,
      ``add``, ``remove``), from the row's button or its own small form; ``action=add`` without a
      key adds what the rest of the form describes (the couple's new pair);
    - ``action=order`` for a new order: one ``order`` value per row, best first (or
      comma-separated), ``moved`` the key of the row dragged, and ``offset`` the places before
      the rows posted when only one page of the list is (empty: the whole list).

    A form that holds both (the applicant's list: a hidden ``action=order`` for drag and drop,
    and the rows' buttons) sends the button's row action too, which wins. A post without an
    action is not a change: it must never be read as an empty order.

    Keys are the page's own (a position, an applicant, a pair of positions): text here."""

    verb: str
    key: str = ""
    order: tuple[str, ...] = ()
    moved: str = ""
    offset: str = ""
    to: str = ""

    @property
    def step(self) -> int:
        """The offset of an up (-1) or down (+1) move."""
        return -1 if self.verb == "up" else 1


def ranking_change_of(data: QueryDict) -> RankingChange:
    """Read a `RankingChange` from a posted form; ValueError when it is not one."""
    actions = data.getlist("action")
    rows = [value for value in actions if value != "order"]
    if len(rows) > 1 or not actions:
        raise ValueError(f"not one ranking change: {actions!r}")
    if not rows:
        return RankingChange(
            verb="order",
            order=tuple(x for value in data.getlist("order") for x in value.split(",") if x),
            moved=data.get("moved", ""),
            offset=data.get("offset", ""),
        )
    action = rows[0]
    verb, _sep, key = action.partition(":")
    if verb not in RANKING_ROW_VERBS or not (key or verb == "add"):
        raise ValueError(f"not a ranking change: {action!r}")
    return RankingChange(verb=verb, key=key, to=data.get("to", ""))


def page_of(request: HttpRequest, items: Any, per_page: int) -> tuple[Page, str]:
    """The page of ``items`` that ``?page=`` asks for (the last one past the end, the first
    for anything that is not a number), and the request's other parameters (filters, sort,
    round) as a query string for the page links of includes/pagination.html."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return page, kept.urlencode()
