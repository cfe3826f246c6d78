"""Form fields shared by every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mamori.core import eras


class WarekiDateInput(forms.TextInput):
    """A text box that shows its date in the Japanese era (ISO for dates before 明治)."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            try:
                return eras.format_date(value)
            except eras.EraDateError:
                return eras.as_date(value).isoformat()
        return super().format_value(value)  # type: ignore[no-any-return]


class WarekiDateField(forms.Field):
    """A date typed in the Japanese era (令和8年4月1日, R8.4.1) or as 2026-04-01.

    Text that is not a date, or names a day that never was (平成32年1月1日, 令和0年5月1日,
    平成21年2月30日), is a validation error with a message saying what is wrong.
    """

    widget = WarekiDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return eras.as_date(value)
        try:
            return eras.parse_date(str(value))
        except eras.EraDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("placeholder", "令和8年4月1日")
        attrs.setdefault("inputmode", "text")
        attrs.setdefault("autocomplete", "off")
        return attrs
