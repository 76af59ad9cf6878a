"""Whether an account asks for an SMS code after the password at log-in."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, LoginSecondFactor

audit.register_actions(
    {
        "login.second_factor_on": _("Log-in SMS code turned on"),
        "login.second_factor_off": _("Log-in SMS code turned off"),
        "login.password_reset": _("Password reset by e-mail"),
    }
)


def has_second_factor(account: Account) -> bool:
    return LoginSecondFactor.objects.filter(account=account).exists()


def set_second_factor(account: Account, enabled: bool, *, request: HttpRequest | None = None) -> None:
    """Turn the log-in SMS code on or off for ``account`` (it needs a phone to turn it on)."""
    with transaction.atomic():
        if enabled:
            if not account.phone:
                raise ValueError("An account without a phone cannot receive log-in codes.")
            _row, created = LoginSecondFactor.objects.get_or_create(account=account)
            if created:
                audit.record("login.second_factor_on", account=account, actor=account, request=request)
        else:
            deleted, _rows = LoginSecondFactor.objects.filter(account=account).delete()
            if deleted:
                audit.record("login.second_factor_off", account=account, actor=account, request=request)
