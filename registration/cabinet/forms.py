"""The log-in code forms of the cabinet."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registration.cabinet.profile.forms import PasswordCheckMixin


class LoginCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input-code", "autofocus": True}
        ),
        error_messages={"required": _("Enter the code from the text message.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and code.isascii() and len(code) == 6):
            raise ValidationError(_("The code has 6 digits."), code="code_format")
        return code


class SecondFactorForm(PasswordCheckMixin):
    """On or off, with the current password: an open session alone cannot turn the code off."""

    use_required_attribute = False
    enabled = forms.TypedChoiceField(
        label=_("Ask for a code by text message when I log in"),
        choices=[("on", _("Yes, send me a code every time I log in")), ("off", _("No, the password is enough"))],
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
