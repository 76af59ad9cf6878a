"""The code after the password: the optional SMS code, and the step-up past the failure limit.

A person who turned the SMS code on always types it. Past ``AXES_FAILURE_LIMIT`` failed log-ins
against an account (``accounts.login.needs_step_up``) everyone must: the code goes to the account's
phone, or to its e-mail when it has no phone, through the one code service (attempts, cooldown and
rate limits included).

The half-logged-in state lives in the session (never in memory): after a correct password the session
holds the account's id and the time; :func:`complete_second_factor` logs the person in only after the
code matches.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import login
from django.http import HttpRequest

from registration.accounts.login import needs_step_up
from registration.accounts.models import Account, LoginSecondFactor
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core import mail
from registration.core.conf import app_settings

SESSION_KEY = "registration_login_second_factor"


def owner(account: Account) -> str:
    return f"account:{account.pk}"


def needs_second_factor(account: Account) -> bool:
    """Whether a code must follow the password: the person turned it on, or the account is under attack."""
    if account.phone and LoginSecondFactor.objects.filter(account=account).exists():
        return True
    return needs_step_up(account)


def code_address(account: Account) -> str:
    """Where the log-in code goes: the account's phone, else its e-mail."""
    return account.phone or account.email


def begin_second_factor(request: HttpRequest, account: Account, backend: str, next_url: str) -> codes.SendOutcome:
    """The password was right: remember who is logging in and send the SMS code."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"account": account.pk, "backend": backend, "at": time.time(), "next": next_url}
    return codes.send_code(
        CodePurpose.LOGIN,
        owner(account),
        code_address(account),
        request=request,
        force=True,
        language=mail.language_of(account),
    )


def pending_account(request: HttpRequest) -> tuple[Account | None, dict[str, Any]]:
    """The account waiting for its SMS code, if the password was typed recently enough."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None, {}
    max_age = int(app_settings.LOGIN_CODE_MAX_AGE)
    if time.time() - float(state.get("at", 0)) > max_age:
        request.session.pop(SESSION_KEY, None)
        return None, {}
    account = Account.objects.filter(pk=state.get("account"), is_active=True).first()  # type: ignore[misc]  # None: no account
    return account, state


def resend_second_factor(request: HttpRequest, account: Account) -> codes.SendOutcome:
    return codes.send_code(
        CodePurpose.LOGIN,
        owner(account),
        code_address(account),
        request=request,
        force=True,
        language=mail.language_of(account),
    )


def complete_second_factor(
    request: HttpRequest, account: Account, typed: str, state: dict[str, Any]
) -> codes.CheckOutcome:
    """Check the SMS code; on success log the person in (a new session key) and forget the code."""
    outcome = codes.check_code(CodePurpose.LOGIN, owner(account), code_address(account), typed, request=request)
    if outcome.ok:
        request.session.pop(SESSION_KEY, None)
        codes.forget(owner(account))
        login(request, account, backend=state.get("backend") or "registration.accounts.backends.EmailOrPhoneBackend")
    return outcome
