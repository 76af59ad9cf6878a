"""What an operator may do for a verified caller, and a supervisor's acknowledgement of an alert."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from registration.accounts import audit, login, passwords
from registration.accounts.models import Account
from registration.core import ratelimit
from registration.profile import flows as profile_flows
from registration.support.caller.checks import CallerError, require_verified
from registration.support.models import CallerVerificationAlert


def lockout_usernames(account: Account) -> list[str]:
    """Every key django-axes may count this account's failed log-ins under: the account's own key (see
    ``accounts.login.lockout_key``), and the raw e-mail and phone that older records may carry."""
    return list(dict.fromkeys(name for name in (login.account_key(account), account.email, account.phone) if name))


def login_locked(account: Account) -> bool:
    """Whether the account's log-in asks for a code after the password: failures from every address count."""
    return login.needs_step_up(account)


def lift_lockout(account: Account, *, operator: Account, request: HttpRequest | None = None) -> int:
    """Forget the account's failed log-ins (by e-mail or phone); returns how many records were removed."""
    from axes.utils import reset

    require_verified(account, operator)
    removed = sum(reset(username=name) for name in lockout_usernames(account))
    audit.record("caller.lockout_lifted", account=account, actor=operator, request=request, data={"records": removed})
    return removed


def resend_contact_code(
    account: Account, purpose: str, *, operator: Account, request: HttpRequest | None = None
) -> str:
    """Send again the code of a contact change the person started in the cabinet; returns the outcome code."""
    require_verified(account, operator)
    try:
        outcome = profile_flows.resend_contact_code(account, purpose, request=request)
    except profile_flows.ProfileError:
        raise CallerError("nothing_to_resend") from None
    audit.record(
        "caller.contact_code_resent",
        account=account,
        actor=operator,
        request=request,
        data={"contact": str(purpose), "outcome": outcome.code},
    )
    return outcome.code


def send_password_reset(account: Account, *, operator: Account, request: HttpRequest) -> None:
    """Start the ordinary password reset: the link goes to the account's own e-mail, never to the operator."""
    require_verified(account, operator)
    if not (account.is_active and account.has_usable_password()):
        raise CallerError("cannot_reset")
    if not ratelimit.hit("password_reset_email", account.email):
        raise CallerError("rate_limited")
    try:
        passwords.send_reset_link(account, request)
    except ValueError:  # pragma: no cover - the stored address is valid
        raise CallerError("cannot_reset") from None
    audit.record("caller.password_reset_sent", account=account, actor=operator, request=request)


def add_note(
    account: Account, support_request: Any, body: str, *, operator: Account, request: HttpRequest | None = None
) -> Any:
    """An internal note on one of the account's support requests, written during a verified call."""
    from registration.support import desk as support_desk

    require_verified(account, operator)
    if support_request.account_id != account.pk:
        raise CallerError("wrong_request")
    return support_desk.add_note(support_request, by=operator, body=body, request=request)


def acknowledge(alert: CallerVerificationAlert, *, by: Account, request: HttpRequest | None = None) -> bool:
    """A supervisor marks an alert as dealt with (the lock itself ages out on its own)."""
    updated = CallerVerificationAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if updated:
        audit.record(
            "caller.alert_acknowledged", account=alert.account, actor=by, request=request, data={"alert": alert.pk}
        )
    return bool(updated)
