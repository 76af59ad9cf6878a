"""Forms outside the wizard: log-in, the log-in code, password reset, support requests."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from validators.django import ScanField

from . import mail
from .form_messages import RequiredMessagesMixin
from .models import SupportTopic

logger = logging.getLogger(__name__)


class LoginForm(RequiredMessagesMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("E-mail or mobile phone"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail, phone or password is wrong. Check them and try again."),
        "inactive": _("This account cannot log in. Contact support."),
    }
    required_messages = {
        "username": _("Enter your e-mail address or mobile phone number."),
        "password": _("Enter your password."),
    }


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link by e-mail; the e-mail goes out in the person's language, from our templates."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The e-mail address you registered with. We will send a link to it."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        try:
            mail.send_templated(
                "password_reset", to_email, context, language=getattr(user, "preferred_language", "") or None
            )
        except OSError:
            # The page says the same whether or not an account exists; a mail failure is logged only.
            logger.warning("A password reset e-mail could not be sent.")


class ChosenPasswordForm(RequiredMessagesMixin, SetPasswordForm):
    """The new password after a reset link (Django's validators, including the portal's rule)."""

    error_messages = {"password_mismatch": _("The passwords do not match.")}
    required_messages = {
        "new_password1": _("Create a new password."),
        "new_password2": _("Type the new password again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("Type the new password again")


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


class SecondFactorForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label=_("Ask for a code by text message when I log in"),
        choices=[("on", _("Yes, send me a code every time I log in")), ("off", _("No, the password is enough"))],
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


def screenshot_field() -> ScanField:
    """A screenshot: JPEG or PNG up to 5 MB; no resolution or sharpness rule (a screen is not a scan)."""
    return ScanField(
        label=_("Screenshot (optional)"),
        help_text=_("A JPEG or PNG picture of the problem, up to 5 MB."),
        required=False,
        allowed=("jpeg", "png"),
        min_dpi=0,
        min_sharpness=0,
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )


class SupportRequestForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=SupportTopic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your question is about.")},
    )
    body = forms.CharField(
        label=_("Describe the problem"),
        help_text=_("What happened, and what you need. Do not write your password or codes."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        error_messages={
            "required": _("Describe the problem."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
    )
    screenshot = screenshot_field()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Describe the problem."), code="required")
        return body

    @property
    def subject(self) -> str:
        first_line = self.cleaned_data["body"].splitlines()[0]
        return (first_line[:117] + "…") if len(first_line) > 120 else first_line


class SupportReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
    )
    screenshot = screenshot_field()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write your message."), code="required")
        return body
