"""Log-in by e-mail or by mobile phone number, with the same password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from registration.accounts.models import Account


def find_account(identifier: str) -> Account | None:
    """The account whose e-mail or phone is ``identifier`` (a phone may be typed with spaces)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return Account.objects.filter(email__iexact=identifier).first()
    phone = "".join(ch for ch in identifier if ch.isdigit() or ch == "+")
    if phone and not phone.startswith("+"):
        phone = "+" + phone
    return Account.objects.filter(phone=phone).first() if phone else None


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Account | None:
        if username is None:
            username = kwargs.get(Account.USERNAME_FIELD)
        if username is None or password is None:
            return None
        account = find_account(username)
        if account is None:
            # Run the hasher anyway so that a missing account takes as long as a wrong password.
            Account().set_password(password)
            return None
        if account.check_password(password) and self.user_can_authenticate(account):
            return account
        return None
