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
from django.forms.utils import ErrorDict
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
    """django-simple-captcha's field, whose wrong answers carry the code ``captcha_invalid``.

    Its widget offers another picture (a script asks the library's refresh view; without scripts, a
    submit button re-renders the page, whose captcha is then new) and the digits read aloud.
    """
    from captcha.fields import CaptchaField, CaptchaTextInput

    from registration.onboarding import captcha

    class PortalCaptchaWidget(CaptchaTextInput):
        template_name = "onboarding/_captcha.html"

        def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
            context = super().get_context(name, value, attrs)
            context.update(captcha.widget_context(self._key))
            context["audio_template"] = captcha.audio_url("KEY")
            context["refresh_url"] = self.refresh_url()
            context["image_2x"] = reverse("captcha-image-2x", kwargs={"key": self._key})
            context["refresh_name"] = captcha.REFRESH
            return context

    class PortalCaptchaField(CaptchaField):
        def clean(self, value: Any) -> Any:
            try:
                return super().clean(value)
            except ValidationError as exc:
                if all(error.code for error in exc.error_list):
                    raise
                raise ValidationError(self.error_messages["invalid"], code="captcha_invalid") from None

    return PortalCaptchaField(widget=PortalCaptchaWidget(), **kwargs)


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
    required_messages = {"captcha": _("Type the digits from the picture.")}

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
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a><br>'
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            reverse("registration:terms"),
            _("Read the terms of use and the consent to the processing of personal data (opens in a new tab)"),
            reverse("registration:privacy"),
            _("Read the privacy notice (opens in a new tab)"),
        )
        if captcha:
            self.fields["captcha"] = portal_captcha_field(
                label=_("Type the digits from the picture"),
                help_text=_("Six digits. You can also listen to them, or ask for another picture."),
                error_messages={"invalid": _("The digits do not match the picture. Type the digits of the new one.")},
            )

    @property
    def refreshing(self) -> bool:
        """The person asked for another captcha picture (without scripts): show the page again, keep the answers."""
        return self.is_bound and "captcha" in self.fields and captcha_refresh_requested(self.data)

    def is_valid(self) -> bool:
        return not self.refreshing and super().is_valid()

    def full_clean(self) -> None:
        if not self.refreshing:
            super().full_clean()
            return
        # Nothing is checked (no error shown, the captcha not spent); what was typed is shown again, the
        # password too (the page is the person's own and never cached), and the captcha is a new one.
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for name in ("password1", "password2"):
            self.fields[name].widget.render_value = True  # type: ignore[attr-defined]

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


def captcha_refresh_requested(data: Any) -> bool:
    from registration.onboarding.captcha import REFRESH

    return bool(data.get(REFRESH))


def captcha_enabled() -> bool:
    return bool(app_settings.CAPTCHA)
