"""Log-in by e-mail or by mobile phone number, with the same password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from registration.accounts import identifiers
from registration.accounts.models import Account


def find_account(identifier: str) -> Account | None:
    """The account whose e-mail or phone is exactly ``identifier`` once normalised (never ``iexact``)."""
    normal = identifiers.normalise_identifier(identifier)
    if not normal:
        return None
    if identifiers.is_email(normal):
        return Account.objects.filter(email=normal).first()
    return Account.objects.filter(phone=normal).first()


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
