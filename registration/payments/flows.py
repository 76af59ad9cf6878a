"""Starting a payment and telling its purpose's owner when its status changes.

A purpose's owner (the services app) registers a handler with :func:`on_status_change`; the handler
runs after the transaction that changed the status commits, with the payment, once per change (a
handler's error is logged, never shown to whoever caused the change). Only a verified webhook or a
status query changes a status, never the return URL. The statuses only move forward: pending → paid
or failed, failed → paid (the provider took the money after all), paid → refunded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.core import metrics
from registration.core.conf import app_settings
from registration.payments.backends import UNAVAILABLE_MESSAGE, PaymentUnavailable
from registration.payments.models import Payment, PaymentStatus

__all__ = [
    "UNAVAILABLE_MESSAGE",
    "PaymentBackend",
    "PaymentUnavailable",
    "allow_payment_pages",
    "backend",
    "latest",
    "on_status_change",
    "page_origins",
    "reconcile",
    "refresh",
    "refund",
    "set_status",
    "start",
]

logger = logging.getLogger(__name__)

Handler = Callable[[Payment], None]
_handlers: dict[str, list[Handler]] = {}


class PaymentBackend(Protocol):
    """A payment provider (settings choose it: ``REGISTRATION_PAYMENT_BACKEND``)."""

    def create(self, payment: Payment) -> tuple[str, str]:
        """Create the payment at the provider (idempotent on ``payment.idempotency_key``).

        Returns the provider's payment id and the URL of its payment page.
        """

    def status(self, payment: Payment) -> PaymentStatus:
        """Ask the provider for the payment's status."""

    def refund(self, payment: Payment) -> PaymentStatus:
        """Return the whole amount; the provider's status after it."""


#: The moves a status may make (anything else from a late or stale notice is ignored).
TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.PENDING: {PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.REFUNDED},
    PaymentStatus.FAILED: {PaymentStatus.PAID},
    PaymentStatus.PAID: {PaymentStatus.REFUNDED},
    PaymentStatus.REFUNDED: set(),
}

audit.register_actions(
    {
        "payment.paid": _("Payment received"),
        "payment.failed": _("Payment not made"),
        "payment.refunded": _("Payment refunded"),
        "payment.expired": _("Payment expired unpaid"),
        "payment.refund_requested": _("Refund requested by a member of staff"),
    }
)


def on_status_change(purpose: str) -> Callable[[Handler], Handler]:
    """Register ``handler(payment)`` for payments of ``purpose``."""

    def register(handler: Handler) -> Handler:
        _handlers.setdefault(purpose, []).append(handler)
        return handler

    return register


def backend() -> PaymentBackend:
    return import_string(app_settings.PAYMENT_BACKEND)()  # type: ignore[no-any-return]


def page_origins() -> list[str]:
    """The origins of the provider's payment pages: ``PAYMENT_PAGE_ORIGINS``, else ``PAYMENT_URL``'s origin."""
    configured = [origin.strip().rstrip("/") for origin in str(app_settings.PAYMENT_PAGE_ORIGINS).split(",")]
    if origins := [origin for origin in configured if origin]:
        return origins
    parts = urlsplit(str(app_settings.PAYMENT_URL))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


_Response = TypeVar("_Response", bound=HttpResponseBase)


def allow_payment_pages(response: _Response) -> _Response:
    """Let the page's forms lead to the provider's payment page.

    A browser holds a form's submission, and every redirect it follows, to the Content-Security-Policy
    ``form-action`` of the page the form is on; the site's is ``'self'``, so a form whose answer
    redirects to the provider would be blocked. Pages with such a form (submit and pay, pay again) add
    the provider's page origins here.
    """
    if origins := page_origins():
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]  # read by django-csp
    return response


def start(
    account: Account,
    *,
    purpose: str,
    reference: str,
    amount_kopecks: int,
    description: str,
    return_path: str = "",
) -> Payment:
    """Create a payment and its page at the provider; the person is sent to ``payment.redirect_url``.

    ``description`` (what is paid for) is shown on the provider's page and the receipt: no personal data.
    ``return_path`` is the site path the person comes back to once the provider has an answer (the
    service's page). Raises :class:`PaymentUnavailable` (show its ``message``) when the provider cannot
    make the payment; the payment is then recorded as not paid, and nothing was charged.
    """
    if amount_kopecks <= 0:
        raise ValueError("a payment is for a positive amount")
    if return_path and (not return_path.startswith("/") or return_path.startswith("//")):
        raise ValueError("the return path is a path on this site")
    payment = Payment.objects.create(
        account=account,
        purpose=purpose,
        reference=reference,
        amount_kopecks=amount_kopecks,
        description=description,
        return_path=return_path,
    )
    try:
        provider_id, url = backend().create(payment)
    except PaymentUnavailable as exc:
        logger.warning("Payment %s could not be created at the provider: %s", payment.public_id, exc)
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED, updated_at=timezone.now())
        transaction.on_commit(lambda: metrics.payment_status(purpose, PaymentStatus.FAILED))
        raise
    payment.provider_payment_id, payment.redirect_url = provider_id, url
    payment.save(update_fields=["provider_payment_id", "redirect_url", "updated_at"])
    return payment


def latest(purpose: str, reference: str) -> Payment | None:
    """The newest payment for this purpose and reference (a failed payment is retried as a new one)."""
    return Payment.objects.filter(purpose=purpose, reference=reference).order_by("-created_at", "-pk").first()


@transaction.atomic
def set_status(
    payment: Payment,
    status: PaymentStatus,
    *,
    via: str = "",
    action: str = "",
    actor: Account | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """Record a verified status; returns whether it changed. Handlers run after commit.

    ``via`` says how it was learnt (``webhook``, ``status``, ``reconcile``, ``refund``) for the audit log;
    a move that :data:`TRANSITIONS` does not allow (a stale "pending" after "paid") changes nothing.
    """
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == status or status not in TRANSITIONS[locked.status]:
        payment.status, payment.paid_at, payment.refunded_at = locked.status, locked.paid_at, locked.refunded_at
        return False
    previous = locked.status
    locked.status = status
    now = timezone.now()
    if status == PaymentStatus.PAID and locked.paid_at is None:
        locked.paid_at = now
    if status == PaymentStatus.REFUNDED and locked.refunded_at is None:
        locked.refunded_at = now
    locked.save(update_fields=["status", "paid_at", "refunded_at", "updated_at"])
    payment.status, payment.paid_at, payment.refunded_at = locked.status, locked.paid_at, locked.refunded_at
    audit.record(
        action or f"payment.{status}",
        account=locked.account,
        actor=actor,
        request=request,
        from_status=previous,
        to_status=status,
        data=_audit_data(locked, via=via),
    )
    transaction.on_commit(lambda: metrics.payment_status(locked.purpose, status))
    for handler in _handlers.get(locked.purpose, []):
        transaction.on_commit(lambda handler=handler: handler(locked), robust=True)  # type: ignore[misc]
    return True


def _audit_data(payment: Payment, **extra: Any) -> dict[str, Any]:
    """What the audit log keeps of a payment: never card data, never the description's personal details."""
    return {
        "payment": str(payment.public_id),
        "purpose": payment.purpose,
        "reference": payment.reference,
        "amount_kopecks": payment.amount_kopecks,
        "provider_payment_id": payment.provider_payment_id or "",
        **extra,
    }


def refresh(payment: Payment) -> PaymentStatus:
    """Ask the provider for the payment's status and record it; the status now (raises PaymentUnavailable)."""
    status = backend().status(payment)
    if status != PaymentStatus.PENDING:
        set_status(payment, status, via="status")
    return PaymentStatus(payment.status)


def refund(payment: Payment, *, by: Account, request: HttpRequest | None = None) -> bool:
    """Return a paid payment's whole amount (a member of staff's decision, audited); whether it is refunded.

    The caller checks the permission (``access.may(user, "refund_payment")``). Raises PaymentUnavailable.
    """
    payment.refresh_from_db()
    if payment.status != PaymentStatus.PAID:
        return False
    audit.record(
        "payment.refund_requested",
        account=payment.account,
        actor=by,
        request=request,
        data=_audit_data(payment),
    )
    status = backend().refund(payment)
    if status == PaymentStatus.REFUNDED:
        set_status(payment, status, via="refund", actor=by, request=request)
    return payment.status == PaymentStatus.REFUNDED


def reconcile(now: Any = None) -> dict[str, int]:
    """Ask the provider about the payments pending longer than ``PAYMENT_PENDING_MINUTES``.

    Those it settles are recorded; those still pending after ``PAYMENT_EXPIRY_HOURS`` are recorded as not
    paid. A provider that does not answer leaves them for the next round. Returns the counts.
    """
    now = now or timezone.now()
    asked_before = now - timedelta(minutes=int(app_settings.PAYMENT_PENDING_MINUTES))
    expired_before = now - timedelta(hours=int(app_settings.PAYMENT_EXPIRY_HOURS))
    counts = {"asked": 0, "settled": 0, "expired": 0, "unanswered": 0}
    pending = Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lt=asked_before).order_by("created_at")
    for payment in pending.iterator(chunk_size=200):
        status = PaymentStatus.PENDING
        if payment.provider_payment_id:
            counts["asked"] += 1
            try:
                status = backend().status(payment)
            except PaymentUnavailable as exc:
                counts["unanswered"] += 1
                logger.warning("Reconciliation: no status for payment %s: %s", payment.public_id, exc)
                continue
        if status != PaymentStatus.PENDING:
            counts["settled"] += set_status(payment, status, via="reconcile")
        elif payment.created_at < expired_before:
            counts["expired"] += set_status(payment, PaymentStatus.FAILED, via="reconcile", action="payment.expired")
    return counts
