"""Steps 12–13: the password (kept in the draft only as a signed hash), the captcha, and the check page."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account
from registration.core.conf import app_settings
from registration.onboarding.forms.base import StepForm

PASSWORD_TOKEN_SALT = "registration.wizard.password"  # noqa: S105 (a signing salt, not a secret)


# --- 12. password -------------------------------------------------------------------------------


def password_token(password: str) -> str:
    """The password's hash, signed: what the draft keeps instead of the password itself."""
    return signing.dumps(make_password(password), salt=PASSWORD_TOKEN_SALT)


def password_hash_from_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=PASSWORD_TOKEN_SALT)
        identify_hasher(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value


def portal_captcha_field(**kwargs: Any) -> forms.Field:
    """django-simple-captcha's field, whose wrong answers carry the code ``captcha_invalid``."""
    from captcha.fields import CaptchaField

    class PortalCaptchaField(CaptchaField):
        def clean(self, value: Any) -> Any:
            try:
                return super().clean(value)
            except ValidationError as exc:
                if all(error.code for error in exc.error_list):
                    raise
                raise ValidationError(self.error_messages["invalid"], code="captcha_invalid") from None

    return PortalCaptchaField(**kwargs)


#: Rendered only when the page shows it, not each time the form is built (done() builds it too).
lazy_password_help = lazy(password_validation.password_validators_help_text_html, str)


class PasswordForm(StepForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        required=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the terms of use of the portal and to the processing of my personal data."),
        error_messages={"required": _("To register, agree to the terms of use.")},
    )
    #: Never rendered: the wizard view puts the signed hash here when it stores the step.
    password_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)
    summary_fields = ()
    required_messages = {"captcha": _("Type the characters from the picture.")}

    def summary(self) -> list[tuple[str, str]]:
        return [(str(_("Password")), str(_("Created (not shown)"))), (str(_("Consent to the terms")), str(_("Given")))]

    def __init__(
        self, *args: Any, contacts: Mapping[str, Any] | None = None, captcha: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = dict(contacts or {})
        self.fields["password1"].help_text = lazy_password_help()
        # In a new tab, so that the wizard's page (and what is typed on it) stays where it was.
        self.fields["consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            reverse("registration:terms"),
            _("Read the terms of use and the consent to the processing of personal data (opens in a new tab)"),
        )
        if captcha:
            self.fields["captcha"] = portal_captcha_field(
                label=_("Type the characters from the picture"),
                error_messages={"invalid": _("The characters do not match the picture. Try again.")},
            )

    @property
    def has_stored_password(self) -> bool:
        return bool(password_hash_from_token(self.data.get(self.add_prefix("password_token"), "") or ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
        stored = password_hash_from_token(cleaned.get("password_token") or "")
        if not first and not second and stored:
            cleaned["password_hash"] = stored
            return cleaned
        if not first:
            self.add_error("password1", ValidationError(_("Create a password."), code="password_required"))
            return cleaned
        user = SimpleNamespace(
            email=self.contacts.get("email", ""), phone=self.contacts.get("phone", ""), _meta=Account._meta
        )
        try:
            password_validation.validate_password(first, user=user)  # type: ignore[arg-type]  # a stand-in Account
        except ValidationError as exc:
            self.add_error("password1", exc)
            return cleaned
        if first != second:
            self.add_error("password2", ValidationError(_("The passwords do not match."), code="password_mismatch"))
        return cleaned


# --- 13. check your answers ---------------------------------------------------------------------


class CheckForm(StepForm):
    """Nothing to type: submitting the page sends the application."""

    summary_fields = ()


def captcha_enabled() -> bool:
    return bool(app_settings.CAPTCHA)
