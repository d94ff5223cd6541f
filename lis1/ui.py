"""Shared helpers for server-rendered pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
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
