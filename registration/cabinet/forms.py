"""The cabinet's settings forms: the log-in code, and the language of the person's messages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
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


class LanguageForm(forms.Form):
    """The language of the site, e-mails, text messages and letters: one of ``settings.LANGUAGES``."""

    language = forms.ChoiceField(
        label=_("Language of the site and of your messages"),
        help_text=_("E-mails, text messages and letters by post are written in it, whoever sends them."),
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose one of the languages in the list."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]


class DataDownloadForm(PasswordCheckMixin):
    """The current password before the archive of everything held about the person is handed out."""

    use_required_attribute = False


class CloseAccountForm(PasswordCheckMixin):
    """The current password and an explicit confirmation: closing cannot be undone."""

    use_required_attribute = False
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed for good and my data erased"),
        error_messages={"required": _("Tick the box to confirm that you want to close your account.")},
    )
    field_order = ("confirm", "password")
