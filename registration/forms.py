"""Forms outside the wizard: log-in."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or mobile phone"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail, phone or password is wrong. Check them and try again."),
        "inactive": _("This account cannot log in. Contact support."),
    }
