"""The portal's password rule: upper- and lower-case letters and digits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
