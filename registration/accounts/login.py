"""The log-in lockout: the key failures are counted under, and forgetting an account's own failures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from registration.accounts.backends import find_account


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The key django-axes counts failures under: the account's e-mail whether the person typed the
    e-mail (in any case) or the phone, so that switching between them does not reset the count."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username") if request is not None and hasattr(request, "POST") else None
    if not isinstance(typed, str):
        return None
    typed = typed.strip()[:254]
    if not typed or "@" in typed:
        return typed.lower()  # accounts keep their e-mail lower-cased: no lookup needed
    account = find_account(typed)
    return account.email if account is not None else typed.lower()


def forget_own_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A correct log-in forgets the failures counted against this account, and only those.

    django-axes' own ``AXES_RESET_ON_SUCCESS`` would also forget every failure from the client's
    address, including guesses at other people's accounts: an attacker could then log into their own
    account (or register one, which logs in) between guesses and never be locked out. It is off.
    """
    from axes.utils import reset

    key = lockout_username(None, {"username": user.get_username()}) if user is not None else None
    if key:  # never reset(username=""): that would forget every failure
        reset(username=key)
