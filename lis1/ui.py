"""Shared helpers for server-rendered pages."""

from __future__ import annotations

from typing import Any

from django import forms


class DesignSystemFormMixin:
    """Give every widget the Designsystemet input class, so forms need no per-field markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                continue
            widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()
