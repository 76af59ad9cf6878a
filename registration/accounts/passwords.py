"""The portal's password rule (upper- and lower-case letters and digits) and its Argon2 hasher."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import hashers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registration.core.conf import app_settings


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Django's Argon2id with its memory and time costs, computed in ``REGISTRATION_ARGON2_PARALLELISM`` lanes.

    Django computes 8 lanes in 8 threads. On an app server with few cores those threads take every
    core for each hash and every other request waits behind them (measured by ``make load`` on 2
    cores: p95 of ordinary steps up to 186 ms with 8 lanes, under 110 ms with 1). The cost of a guess,
    set by the memory (100 MiB) and the passes (2), stays the same. Hashes made with other lanes still
    verify and are rehashed at the next log-in (``must_update``).
    """

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return int(app_settings.ARGON2_PARALLELISM)


class CharacterClassValidator:
    """Require at least one upper-case letter, one lower-case letter and one digit."""

    def validate(self, password: str, user: object = None) -> None:
        missing = []
        if not any(ch.isupper() for ch in password):
            missing.append(ValidationError(_("Add at least one capital letter."), code="password_no_upper"))
        if not any(ch.islower() for ch in password):
            missing.append(ValidationError(_("Add at least one small letter."), code="password_no_lower"))
        if not any(ch.isdigit() for ch in password):
            missing.append(ValidationError(_("Add at least one digit."), code="password_no_digit"))
        if missing:
            raise ValidationError(missing)

    def get_help_text(self) -> str:
        return _("Use capital and small letters and at least one digit.")


def send_reset_link(account: Any, request: Any) -> None:
    """Send the ordinary password-reset link to the account's own e-mail, as the log-in page's form does
    (Django's token, our templates, the person's language)."""
    from registration.accounts.forms import PasswordResetRequestForm

    form = PasswordResetRequestForm({"email": account.email})
    if not form.is_valid():  # pragma: no cover - the stored address is valid
        raise ValueError("The account's e-mail address is not valid.")
    form.save(request=request, use_https=request.is_secure())
