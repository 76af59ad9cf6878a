"""What every step's form shares: a hint and an own message per field, and the rows of the check page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.core.form_messages import RequiredMessagesMixin
from validators import dates as vdates


class StepForm(RequiredMessagesMixin, forms.Form):
    """Common behaviour: a hint per field rendered by the template, its own message per empty field, and
    ``summary()`` for the check page."""

    # The server validates and explains; browsers' own "required" bubbles would only get in the way
    # (and a kept scan must not make the file input look empty and required).
    use_required_attribute = False

    #: Fields shown on the check page, in order; ``None`` means every field.
    summary_fields: tuple[str, ...] | None = None

    def summary(self) -> list[tuple[str, str]]:
        """``(label, value)`` pairs for the check page, from cleaned data."""
        rows = []
        names = self.summary_fields or tuple(self.fields)
        for name in names:
            if name not in self.fields:
                continue
            field = self.fields[name]
            value = self.cleaned_data.get(name)
            rows.append((str(field.label), display_value(field, value)))
        return rows


def display_value(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return str(_("Not given"))
    if isinstance(value, date):
        return vdates.format(value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    display = getattr(field, "display", None)
    if display is not None:
        return str(display(value))
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    return str(value)
