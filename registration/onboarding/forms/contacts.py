"""Steps 1–4: the registration type, the contacts, and the codes that confirm them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registration.accounts.forms import email_field
from registration.accounts.identifiers import check_registration_email
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core import countries
from registration.onboarding.forms.base import StepForm
from validators.django import PhoneField

# --- 1. registration type --------------------------------------------------------------------


class RegistrationType:
    FOREIGN = "foreign"
    RUSSIAN = "russian"


class RegistrationTypeForm(StepForm):
    registration_type = forms.ChoiceField(
        label=_("Who are you registering as?"),
        choices=[
            (RegistrationType.FOREIGN, _("A foreign citizen (or a stateless person)")),
            (RegistrationType.RUSSIAN, _("A citizen of Russia")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who you are registering as."),
            "invalid_choice": _("Choose one of the options."),
        },
    )


# --- 2. contacts ------------------------------------------------------------------------------


class ContactsForm(StepForm):
    email = email_field(
        _("E-mail address"),
        _("You will log in with it. We will send a confirmation code to it."),
        _("Enter your e-mail address."),
    )
    phone = PhoneField(
        label=_("Mobile phone number"),
        help_text=_("In international format with the country code, for example +998 90 123 45 67."),
        error_messages={"required": _("Enter your mobile phone number.")},
    )

    def __init__(self, *args: Any, citizenship: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel", "type": "tel"})
        self.fields["phone"].widget.input_type = "tel"
        # Once the citizenship is known (a change from the check page), a number typed without its
        # country code is read as one of that country; before that, as a Russian one.
        phone_field: Any = self.fields["phone"]
        phone_field.set_region(*countries.phone_region(citizenship))

    def clean_email(self) -> str:
        # Accounts store the normal form (Account.save), so an exact match uses the unique index.
        return check_registration_email(self.cleaned_data["email"])

    # Whether an account already has these contacts is not said here (that would let anyone look
    # addresses up): the wizard says it once the person has confirmed the contact by its code.


# --- 3–4. confirmation codes --------------------------------------------------------------------

CODE_ERRORS: dict[str, Any] = {
    codes.WRONG: _("The code is wrong. Check the last message and type it again (tries left: %(left)s)."),
    codes.EXPIRED: _("The code has expired. Ask for a new one."),
    codes.TOO_MANY_ATTEMPTS: _("Too many wrong codes. Ask for a new one."),
    codes.NO_CODE: _("We have not sent a code to this address yet. Ask for one."),
    codes.RATE_LIMITED: _("Too many attempts from your network. Wait a few minutes and try again."),
    "code_required": _("Enter the code from the message."),
    "code_format": _("The code has 6 digits."),
}


class CodeForm(StepForm):
    """Passes when the contact is confirmed in the database (by a code typed here or by the e-mail link)."""

    purpose: str = ""
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input-code",
                "spellcheck": "false",
            }
        ),
    )
    summary_fields = ()

    def __init__(
        self,
        *args: Any,
        owner: str = "",
        address: str = "",
        outcome: str = "",
        attempts_left: int = 0,
        confirmed: set[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.address = address
        self.outcome = outcome  # what the view's check of the typed code said, if it checked one
        self.attempts_left = attempts_left
        # The view may pass the draft's confirmed contacts, read once per request for both code steps.
        self.confirmed = confirmed

    def is_confirmed(self) -> bool:
        if self.confirmed is not None:
            return (str(self.purpose), self.address) in self.confirmed
        return codes.is_confirmed(self.purpose, self.owner, self.address)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if self.address and self.is_confirmed():
            return cleaned
        typed = "".join((cleaned.get("code") or "").split())
        if not typed:
            self.add_error("code", ValidationError(CODE_ERRORS["code_required"], code="code_required"))
        elif not (typed.isdigit() and typed.isascii() and len(typed) == codes.code_length()):
            self.add_error("code", ValidationError(CODE_ERRORS["code_format"], code="code_format"))
        else:
            outcome = self.outcome if self.outcome in CODE_ERRORS else codes.WRONG
            params = {"left": self.attempts_left}
            self.add_error("code", ValidationError(CODE_ERRORS[outcome], code=outcome, params=params))
        return cleaned


class PhoneCodeForm(CodeForm):
    purpose = CodePurpose.PHONE


class EmailCodeForm(CodeForm):
    purpose = CodePurpose.EMAIL
