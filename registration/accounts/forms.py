"""Log-in and password forms."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from registration.core import mail
from registration.core.form_messages import RequiredMessagesMixin

logger = logging.getLogger(__name__)


def email_field(label: Any, help_text: Any, required_message: Any) -> forms.EmailField:
    """An e-mail address field as every form of the site asks for one (log-in name, new contact, reset)."""
    return forms.EmailField(
        label=label,
        help_text=help_text,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": required_message,
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )


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

    email = email_field(
        _("E-mail address"),
        _("The e-mail address you registered with. We will send a link to it."),
        _("Enter your e-mail address."),
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
                "password_reset", to_email, context, language=mail.language_of(user) if user is not None else None
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
