"""The log-in lockout: the key failures are counted under, step-up past the limit, forgetting own failures.

django-axes counts every failure. It locks a client address (``AXES_LOCKOUT_PARAMETERS``) but never an
account: past ``AXES_FAILURE_LIMIT`` failures against an account, the right password alone no longer
logs in; the person must also type a one-time code sent to the account's phone (or e-mail), see
``needs_step_up``. Someone who only knows the address cannot lock its owner out.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from registration.accounts import identifiers
from registration.accounts.backends import find_account
from registration.accounts.models import Account


def account_key(account: Account) -> str:
    """The key an account's failures are counted under: its stored (normalised) e-mail."""
    return account.email


def lockout_key(typed: str) -> str:
    """The key failures with ``typed`` count under: the account it names or imitates, else the typed value.

    Typed as e-mail or phone, in any case or Unicode form, the same account gets the same key; so does an
    address that only imitates it (``applıcant@…`` with a dotless ı counts against ``applicant@…``).
    """
    account = find_account(typed)
    if account is None and identifiers.is_email(typed):
        account = Account.objects.filter(email=identifiers.skeleton(typed)).first()
    return account_key(account) if account is not None else identifiers.normalise_identifier(typed)


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The key django-axes counts failures under (``AXES_USERNAME_CALLABLE``): see :func:`lockout_key`."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username") if request is not None and hasattr(request, "POST") else None
    if not isinstance(typed, str):
        return None
    typed = typed.strip()[:254]
    return lockout_key(typed) if typed else None


def failures_against(account: Account) -> int:
    """Failed log-ins counted against ``account`` within the cool-off time, from every address."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(username=account_key(account), attempt_time__gte=since)
    return int(found.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def needs_step_up(account: Account) -> bool:
    """Whether the account has had so many failures that a password alone no longer logs into it."""
    return failures_against(account) >= int(settings.AXES_FAILURE_LIMIT)


def forget_own_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A correct log-in forgets the failures counted against this account, and only those.

    django-axes' own ``AXES_RESET_ON_SUCCESS`` would also forget every failure from the client's
    address, including guesses at other people's accounts: an attacker could then log into their own
    account (or register one, which logs in) between guesses and never be locked out. It is off.
    """
    from axes.utils import reset

    key = account_key(user) if isinstance(user, Account) and user.email else None
    if key:  # never reset(username=""): that would forget every failure
        reset(username=key)
