"""The identity flows that both the cabinet's views and the clerks' admin call.

Statuses change only through ``registration.accounts.status``; every step appends an audit event; every clerk
action tells the person by e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit, status
from registration.accounts.models import Account, AccountStatus
from registration.core import mail, metrics, ratelimit
from registration.identity import queue_columns, registry
from registration.identity.base import IdentityError, Outcome, RateLimited
from registration.identity.models import (
    OPEN_STATES,
    ConfirmationState,
    DocumentRequest,
    IdentityConfirmation,
    RequestedScan,
    RequestState,
    ServiceCentre,
)
from registration.identity.scans import check_scan

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "identity.started": _("Identity confirmation method chosen"),
        "identity.cancelled": _("Identity confirmation method switched"),
        "identity.confirmed": _("Identity confirmed"),
        "identity.rejected": _("Identity confirmation rejected"),
        "identity.refused": _("Identity evidence refused"),
        "identity.originals_checked": _("Original documents checked"),
        "identity.code_issued": _("Confirmation code issued"),
        "identity.documents_requested": _("Further documents requested"),
        "identity.documents_uploaded": _("Further documents uploaded"),
        "scan.viewed": _("Scan viewed"),
    }
)


# --- reading -----------------------------------------------------------------------------------


def current(account: Account) -> IdentityConfirmation | None:
    """The account's open confirmation, if any."""
    return (
        IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES)
        .select_related("centre")
        .order_by("-started_at")
        .first()
    )


def latest(account: Account) -> IdentityConfirmation | None:
    """The account's most recent confirmation, open or not (to show a rejection's reason)."""
    return IdentityConfirmation.objects.filter(account=account).select_related("centre").first()


def open_request(confirmation: IdentityConfirmation | None) -> DocumentRequest | None:
    if confirmation is None:
        return None
    return confirmation.document_requests.filter(state=RequestState.OPEN).first()


# --- helpers shared by the methods --------------------------------------------------------------


def notify(account: Account, name: str, context: Mapping[str, Any] | None = None) -> None:
    """E-mail ``identity_<name>`` to the person in their language; a mail failure is logged, never undoes the action.

    A clerk's action sends it, so ``context`` holds lazy strings and dates, rendered in the person's language.
    """
    try:
        mail.send_to_account(account, f"identity_{name}", context)
    except OSError:
        logger.warning("Identity e-mail %r could not be sent to account %s.", name, account.pk)


def ensure_pending(account: Account) -> None:
    if account.status != AccountStatus.PENDING:
        raise IdentityError("not_pending")


def ensure_open(confirmation: IdentityConfirmation, method: str | None = None) -> None:
    if method is not None and confirmation.method != method:
        raise IdentityError("wrong_method")
    if confirmation.state not in OPEN_STATES:
        raise IdentityError("wrong_state")
    ensure_pending(confirmation.account)


def lock_open(confirmation: IdentityConfirmation, method: str | None = None) -> None:
    """Lock the confirmation's row and check again that it is open (inside a transaction).

    Two decisions posted at once (a confirmation and a rejection, two clerks, a double click) queue
    on the row: the second one sees the first's outcome and is refused like any stale page.
    """
    confirmation.state = (
        IdentityConfirmation.objects.select_for_update().values_list("state", flat=True).get(pk=confirmation.pk)
    )
    ensure_open(confirmation, method)


def check_rate(action: str, account: Account) -> None:
    """Raise ``RateLimited`` when ``account`` has used up ``action``'s limit (without counting one)."""
    if not ratelimit.is_allowed(action, f"account:{account.pk}"):
        raise RateLimited(action)


def count_failure(action: str, account: Account) -> None:
    ratelimit.hit(action, f"account:{account.pk}")


def refuse(
    confirmation: IdentityConfirmation,
    error: IdentityError,
    *,
    request: HttpRequest | None,
    rate_action: str | None = None,
) -> IdentityError:
    """Count and audit a failed attempt (a wrong code, a refused certificate); returns the error to raise."""
    IdentityConfirmation.objects.filter(pk=confirmation.pk).update(attempts=F("attempts") + 1)
    confirmation.attempts += 1
    if rate_action:
        count_failure(rate_action, confirmation.account)
    audit.record(
        "identity.refused",
        account=confirmation.account,
        request=request,
        data={"method": confirmation.method, "confirmation": confirmation.pk, "error": error.code},
    )
    return error


def open_confirmation(
    account: Account,
    method: str,
    *,
    request: HttpRequest | None = None,
    centre: ServiceCentre | None = None,
    details: Mapping[str, Any] | None = None,
) -> IdentityConfirmation:
    """Start ``method`` for the account, cancelling the method it had chosen before (if any)."""
    with transaction.atomic():
        # Lock the account row so that two simultaneous choices cannot both open a confirmation.
        locked = Account.objects.select_for_update().get(pk=account.pk)
        ensure_pending(locked)
        previous = IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES).first()
        if previous is not None:
            cancel(previous, request=request)
        confirmation = IdentityConfirmation.objects.create(
            account=account, method=method, centre=centre, details=dict(details or {})
        )
        audit.record(
            "identity.started",
            account=account,
            request=request,
            data={
                "method": method,
                "confirmation": confirmation.pk,
                **({"switched_from": previous.method} if previous is not None else {}),
                **({"centre": centre.pk} if centre is not None else {}),
            },
        )
    metrics.identity(method, "started")
    return confirmation


def cancel(confirmation: IdentityConfirmation, *, request: HttpRequest | None = None) -> None:
    """Close an open confirmation because the person chose another method."""
    registry.get(confirmation.method).cancel(confirmation)
    confirmation.document_requests.filter(state=RequestState.OPEN).update(state=RequestState.CANCELLED)
    IdentityConfirmation.objects.filter(pk=confirmation.pk).update(
        state=ConfirmationState.CANCELLED, completed_at=timezone.now()
    )
    confirmation.state = ConfirmationState.CANCELLED
    queue_columns.refresh(confirmation.account_id)
    audit.record(
        "identity.cancelled",
        account=confirmation.account,
        request=request,
        data={"method": confirmation.method, "confirmation": confirmation.pk},
    )


def confirm(
    confirmation: IdentityConfirmation,
    *,
    by: Account | None,
    request: HttpRequest | None = None,
    details: Mapping[str, Any] | None = None,
    reason: str = "",
) -> Outcome:
    """Identity confirmed: the account becomes active and the person is told."""
    account = confirmation.account
    ensure_open(confirmation)
    now = timezone.now()
    with transaction.atomic():
        lock_open(confirmation)
        try:
            status.activate(account, by=by, reason=reason, request=request, method=confirmation.method)
        except status.TransitionNotAllowed:
            raise IdentityError("not_pending") from None
        confirmation.state = ConfirmationState.CONFIRMED
        confirmation.completed_at = now
        confirmation.details = {**confirmation.details, **(details or {})}
        if by is not None and by.pk != account.pk:
            confirmation.decided_by = by
        confirmation.save(update_fields=["state", "completed_at", "details", "decided_by", "updated_at"])
        audit.record(
            "identity.confirmed",
            account=account,
            actor=by,
            request=request,
            reason=reason,
            data={"method": confirmation.method, "confirmation": confirmation.pk, **(details or {})},
        )
    metrics.identity(confirmation.method, "confirmed")
    notify(account, "confirmed", {"method": registry.lazy_label(confirmation.method)})
    return Outcome(confirmation, activated=True, message=_("Identity confirmed. The account is active."))


def reject(
    confirmation: IdentityConfirmation, *, by: Account, reason: str, request: HttpRequest | None = None
) -> IdentityConfirmation:
    """A clerk rejects the confirmation; the account stays pending and the person may try again."""
    reason = (reason or "").strip()
    if not reason:
        raise IdentityError("reason_required")
    ensure_open(confirmation)
    with transaction.atomic():
        lock_open(confirmation)
        registry.get(confirmation.method).cancel(confirmation)
        confirmation.document_requests.filter(state=RequestState.OPEN).update(state=RequestState.CANCELLED)
        confirmation.state = ConfirmationState.REJECTED
        confirmation.completed_at = timezone.now()
        confirmation.decided_by = by
        confirmation.reason = reason
        confirmation.save(update_fields=["state", "completed_at", "decided_by", "reason", "updated_at"])
        audit.record(
            "identity.rejected",
            account=confirmation.account,
            actor=by,
            request=request,
            reason=reason,
            data={"method": confirmation.method, "confirmation": confirmation.pk},
        )
    metrics.identity(confirmation.method, "rejected")
    notify(confirmation.account, "rejected", {"reason": reason, "method": registry.lazy_label(confirmation.method)})
    return confirmation


def request_documents(
    confirmation: IdentityConfirmation, *, by: Account, message: str, request: HttpRequest | None = None
) -> DocumentRequest:
    """A clerk asks for further documents; the person uploads them from the cabinet."""
    message = (message or "").strip()
    if not message:
        raise IdentityError("reason_required")
    ensure_open(confirmation)
    with transaction.atomic():
        lock_open(confirmation)
        confirmation.document_requests.filter(state=RequestState.OPEN).update(state=RequestState.CANCELLED)
        document_request = DocumentRequest.objects.create(
            confirmation=confirmation, account=confirmation.account, requested_by=by, message=message
        )
        confirmation.state = ConfirmationState.DOCUMENTS_REQUESTED
        confirmation.save(update_fields=["state", "updated_at"])
        audit.record(
            "identity.documents_requested",
            account=confirmation.account,
            actor=by,
            request=request,
            reason=message,
            data={"method": confirmation.method, "confirmation": confirmation.pk, "request": document_request.pk},
        )
    notify(confirmation.account, "documents_requested", {"message": message})
    return document_request


def submit_requested_documents(
    document_request: DocumentRequest, files: Iterable[UploadedFile], *, request: HttpRequest | None = None
) -> list[RequestedScan]:
    """The person answers a document request with scans, each checked like the wizard's scans."""
    confirmation = document_request.confirmation
    if document_request.state != RequestState.OPEN:
        raise IdentityError("no_open_request")
    ensure_open(confirmation)
    files = list(files)
    if not files:
        raise IdentityError("invalid_scan")
    checked = [(upload, check_scan(upload)) for upload in files]
    with transaction.atomic():
        lock_open(confirmation)
        # Two answers sent at once: the request's row decides which one counts.
        if (
            DocumentRequest.objects.select_for_update().values_list("state", flat=True).get(pk=document_request.pk)
            != RequestState.OPEN
        ):
            raise IdentityError("no_open_request")
        uploads = []
        for upload, info in checked:
            upload.seek(0)
            scan = RequestedScan(
                request=document_request,
                scan_name=(upload.name or "")[:255],
                scan_type=info.kind,
                scan_size=info.size,
                scan_sha256=info.sha256,
            )
            scan.scan.save(upload.name or "scan", upload, save=False)
            scan.save()
            uploads.append(scan)
        document_request.state = RequestState.FULFILLED
        document_request.fulfilled_at = timezone.now()
        document_request.save(update_fields=["state", "fulfilled_at"])
        confirmation.state = ConfirmationState.IN_PROGRESS
        confirmation.save(update_fields=["state", "updated_at"])
        audit.record(
            "identity.documents_uploaded",
            account=confirmation.account,
            request=request,
            data={"confirmation": confirmation.pk, "request": document_request.pk, "files": len(uploads)},
        )
    return uploads


def block(account: Account, *, by: Account, reason: str, request: HttpRequest | None = None) -> None:
    """Block the account (any open confirmation stays as it is) and tell the person why."""
    if not (reason or "").strip():
        raise IdentityError("reason_required")
    try:
        status.block(account, by=by, reason=reason, request=request)
    except status.TransitionNotAllowed:
        raise IdentityError("wrong_state") from None
    notify(account, "blocked", {"reason": reason.strip()})


def unblock(account: Account, *, by: Account, reason: str, request: HttpRequest | None = None) -> None:
    """Lift a block; the account returns to the status it had, and the person is told."""
    if not (reason or "").strip():
        raise IdentityError("reason_required")
    try:
        status.unblock(account, by=by, reason=reason, request=request)
    except status.TransitionNotAllowed:
        raise IdentityError("wrong_state") from None
    notify(account, "unblocked", {"reason": reason.strip()})
