"""Starting a payment and telling its purpose's owner when its status changes.

A purpose's owner (the services app) registers a handler with :func:`on_status_change`; the handler
runs after the transaction that changed the status commits, with the payment. Only a verified webhook
or a status query changes a status, never the return URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from registration.accounts.models import Account
from registration.core.conf import app_settings
from registration.payments.models import Payment, PaymentStatus

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


def on_status_change(purpose: str) -> Callable[[Handler], Handler]:
    """Register ``handler(payment)`` for payments of ``purpose``."""

    def register(handler: Handler) -> Handler:
        _handlers.setdefault(purpose, []).append(handler)
        return handler

    return register


def backend() -> PaymentBackend:
    return import_string(app_settings.PAYMENT_BACKEND)()  # type: ignore[no-any-return]


def start(account: Account, *, purpose: str, reference: str, amount_kopecks: int, description: str) -> Payment:
    """Create a payment and its page at the provider; the person is sent to ``payment.redirect_url``."""
    if amount_kopecks <= 0:
        raise ValueError("a payment is for a positive amount")
    payment = Payment.objects.create(
        account=account, purpose=purpose, reference=reference, amount_kopecks=amount_kopecks, description=description
    )
    provider_id, url = backend().create(payment)
    payment.provider_payment_id, payment.redirect_url = provider_id, url
    payment.save(update_fields=["provider_payment_id", "redirect_url", "updated_at"])
    return payment


def latest(purpose: str, reference: str) -> Payment | None:
    """The newest payment for this purpose and reference (a failed payment is retried as a new one)."""
    return Payment.objects.filter(purpose=purpose, reference=reference).order_by("-created_at", "-pk").first()


@transaction.atomic
def set_status(payment: Payment, status: PaymentStatus) -> bool:
    """Record a verified status; returns whether it changed. Handlers run after commit."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == status:
        return False
    locked.status = status
    if status == PaymentStatus.PAID and locked.paid_at is None:
        locked.paid_at = timezone.now()
    locked.save(update_fields=["status", "paid_at", "updated_at"])
    payment.status, payment.paid_at = locked.status, locked.paid_at
    for handler in _handlers.get(locked.purpose, []):
        transaction.on_commit(lambda handler=handler: handler(locked))  # type: ignore[misc]
    return True
