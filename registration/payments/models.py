"""Payments of state fees through a payment provider; amounts in kopecks, as integers."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Not paid")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="payments")
    # What is paid for: a purpose (who handles the outcome, e.g. "services") and that party's reference.
    purpose = models.CharField(_("purpose"), max_length=32)
    reference = models.CharField(_("reference"), max_length=64)
    amount_kopecks = models.PositiveBigIntegerField(_("amount, kopecks"))
    description = models.CharField(_("description"), max_length=200)
    # Sent to the provider with the creation request: a retried request never makes a second payment.
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    # The payment's name in the site's URLs (return page, receipt): says nothing about the person.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # The site path the person goes back to after the provider's page (the service's own page).
    return_path = models.CharField(_("return path"), max_length=200, blank=True)
    provider_payment_id = models.CharField(
        _("provider's payment id"), max_length=64, null=True, blank=True, unique=True
    )
    redirect_url = models.URLField(_("payment page"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["purpose", "reference"], name="payments_purpose_reference"),
            # Reconciliation reads the pending payments, oldest first.
            models.Index(fields=["status", "created_at"], name="payments_status_created"),
        ]
        permissions = [("refund_payment", _("Can refund a payment"))]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.reference}"


class PaymentEvent(models.Model):
    """A provider's notification (webhook), kept once per event id: a second delivery changes nothing."""

    event_id = models.CharField(_("event id"), max_length=64, unique=True)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="events", null=True
    )
    kind = models.CharField(_("event"), max_length=32)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.event_id
