"""The account state machine: the only place where an account's status changes.

pending → active (identity confirmed); any → blocked → back to the status it had; active → pending
(identity data changed and must be reviewed again) → active (the change accepted, or rejected: the
account keeps its confirmed data); any → closed (the person withdrew their consent, or the retention
rules ended a never-confirmed application), never back: a closed account gives up its e-mail and phone
at once, so that they can register again. Each change locks the account row, checks the
transition, writes the new status and appends an audit event naming who, when and why, all in one
transaction.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, AccountStatus, Applicant, AuditEvent

audit.register_actions(
    {
        "status.restored_after_review": _("Review ended without a change, account active again"),
        "status.closed": _("Account closed"),
    }
)

PENDING, ACTIVE, BLOCKED, CLOSED = (
    AccountStatus.PENDING,
    AccountStatus.ACTIVE,
    AccountStatus.BLOCKED,
    AccountStatus.CLOSED,
)

ALLOWED: dict[str, frozenset[str]] = {
    PENDING: frozenset({ACTIVE, BLOCKED, CLOSED}),
    ACTIVE: frozenset({BLOCKED, PENDING, CLOSED}),
    BLOCKED: frozenset({ACTIVE, PENDING, CLOSED}),
    CLOSED: frozenset(),
}

#: The e-mail a closed account keeps in place of its own (``.invalid`` is reserved: it never reaches anyone).
CLOSED_EMAIL = "closed-{pk}@closed.invalid"


class TransitionNotAllowed(Exception):
    """The account is not in a status from which this change may be made."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"An account cannot go from {current!r} to {target!r}.")
        self.current = current
        self.target = target


class ReasonRequired(ValueError):
    """Blocking, unblocking and sending back for review must say why."""


def _transition(
    account: Account,
    target: str,
    *,
    action: str,
    by: Account | None,
    reason: str,
    request: HttpRequest | None,
    data: dict | None = None,
    allowed_from: frozenset[str] | None = None,
) -> AuditEvent:
    with transaction.atomic():
        locked = Account.objects.select_for_update().only("pk", "status").get(pk=account.pk)
        current = locked.status
        permitted = (
            allowed_from
            if allowed_from is not None
            else frozenset(src for src, targets in ALLOWED.items() if target in targets)
        )
        if current not in permitted or target not in ALLOWED[current]:
            raise TransitionNotAllowed(current, target)
        now = timezone.now()
        Account.objects.filter(pk=account.pk).update(
            status=target, status_reason=reason, status_changed_at=now, updated_at=now
        )
        # The clerks' queue filters on a copy of the status (Applicant.queue_status), kept here, in the same
        # transaction as the status itself.
        Applicant.objects.filter(account_id=account.pk).update(queue_status=target)
        event = audit.record(
            action,
            account=account,
            actor=by,
            reason=reason,
            request=request,
            from_status=current,
            to_status=target,
            data=data,
        )
    account.status = target
    account.status_reason = reason
    account.status_changed_at = now
    account._saved_status = target
    return event


def activate(
    account: Account,
    *,
    by: Account | None,
    reason: str = "",
    request: HttpRequest | None = None,
    method: str = "",
) -> AuditEvent:
    """Identity confirmed: a pending account becomes active."""
    return _transition(
        account,
        ACTIVE,
        action="status.activated",
        by=by,
        reason=reason,
        request=request,
        data={"method": method} if method else None,
        allowed_from=frozenset({PENDING}),
    )


def block(account: Account, *, by: Account | None, reason: str, request: HttpRequest | None = None) -> AuditEvent:
    """Block an account (from any status other than blocked); the reason is shown to the person."""
    if not reason.strip():
        raise ReasonRequired("Blocking an account needs a reason.")
    return _transition(
        account,
        BLOCKED,
        action="status.blocked",
        by=by,
        reason=reason.strip(),
        request=request,
        allowed_from=frozenset({PENDING, ACTIVE}),
    )


def status_before_block(account: Account) -> str:
    """The status the account had when it was last blocked (derived from the audit log)."""
    last_block = (
        AuditEvent.objects.filter(account=account, to_status=BLOCKED).order_by("-at", "-pk").only("from_status").first()
    )
    if last_block is None or last_block.from_status not in (PENDING, ACTIVE):
        return PENDING
    return last_block.from_status


def unblock(account: Account, *, by: Account | None, reason: str, request: HttpRequest | None = None) -> AuditEvent:
    """Lift a block: the account returns to the status it had before."""
    if not reason.strip():
        raise ReasonRequired("Unblocking an account needs a reason.")
    return _transition(
        account,
        status_before_block(account),
        action="status.unblocked",
        by=by,
        reason=reason.strip(),
        request=request,
        allowed_from=frozenset({BLOCKED}),
    )


def send_to_review(
    account: Account, *, by: Account | None, reason: str, request: HttpRequest | None = None
) -> AuditEvent:
    """Identity data changed: an active account waits for a clerk's review again."""
    if not reason.strip():
        raise ReasonRequired("Sending an account back for review needs a reason.")
    return _transition(
        account,
        PENDING,
        action="status.sent_to_review",
        by=by,
        reason=reason.strip(),
        request=request,
        allowed_from=frozenset({ACTIVE}),
    )


def restore_after_review(
    account: Account, *, by: Account | None, reason: str, request: HttpRequest | None = None
) -> AuditEvent:
    """The review of an active account's changed identity data ended without a change (the change was
    rejected): the account is active again with the data that had been confirmed."""
    if not reason.strip():
        raise ReasonRequired("Ending a review without the change needs a reason.")
    return _transition(
        account,
        ACTIVE,
        action="status.restored_after_review",
        by=by,
        reason=reason.strip(),
        request=request,
        allowed_from=frozenset({PENDING}),
    )


def close(
    account: Account, *, by: Account | None, reason: str, request: HttpRequest | None = None, data: dict | None = None
) -> AuditEvent:
    """Close an account for good: no log-in from now on, and its e-mail and phone free for a new registration.

    The e-mail and phone are unique in the database, so the closed account gives them up in the same
    transaction (a placeholder address, no phone); the password becomes unusable, which also ends every
    session (Django checks the password's hash on each request). The person's data stays, unchanged,
    until the erasure after the legal hold (``registration.privacy``).
    """
    if not reason.strip():
        raise ReasonRequired("Closing an account needs a reason.")
    with transaction.atomic():
        event = _transition(
            account,
            CLOSED,
            action="status.closed",
            by=by,
            reason=reason.strip(),
            request=request,
            data=data,
            allowed_from=frozenset({PENDING, ACTIVE, BLOCKED}),
        )
        placeholder, password = CLOSED_EMAIL.format(pk=account.pk), make_password(None)
        Account.objects.filter(pk=account.pk).update(email=placeholder, phone=None, password=password, is_active=False)
    account.email, account.phone, account.password, account.is_active = placeholder, None, password, False
    return event
