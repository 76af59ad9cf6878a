"""Each field left empty says what to do, in the form's own words, not Django's "This field is required."."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from registration.core.text import PlainTextFieldsMixin


class RequiredMessagesMixin(PlainTextFieldsMixin, forms.BaseForm):
    """Sets ``error_messages["required"]`` of the form's fields from ``required_messages``.

    Its text fields also refuse invisible characters (:class:`~registration.core.text.PlainTextFieldsMixin`):
    every form of the site that says what to type is one whose free text clerks read.

    Subclasses add to their parents' mappings. The messages are set just before validation, so that
    fields added or made required in ``__init__`` get theirs too.
    """

    #: Field name → message shown when the field is left empty (``gettext_lazy``).
    required_messages: Mapping[str, Any] = {}

    def get_required_messages(self) -> dict[str, Any]:
        messages: dict[str, Any] = {}
        for klass in reversed(type(self).__mro__):
            messages.update(vars(klass).get("required_messages", {}))
        return messages

    def full_clean(self) -> None:
        for name, message in self.get_required_messages().items():
            field = self.fields.get(name)
            if field is not None:
                # Each form holds deep copies of its fields: this changes no other form.
                field.error_messages["required"] = message
        super().full_clean()
