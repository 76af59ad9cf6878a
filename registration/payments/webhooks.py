"""The provider's notifications (webhooks): checked, then recorded once.

A notification is a ``POST`` of JSON ``{"event_id", "type", "payment": {"id", "status", "amount",
"currency"}}`` with the headers ``X-Webhook-Time`` (Unix seconds) and ``X-Webhook-Signature:
hmac-sha256=<hex>``, the HMAC-SHA-256 of ``<time>\\n<body>`` under ``REGISTRATION_PAYMENT_WEBHOOK_SECRET``
(or ``REGISTRATION_PAYMENT_SECRET``). It is accepted only when the signature matches (compared in
constant time), the time is within :data:`WINDOW` seconds of ours, the payment is ours and its amount
and currency are the ones we asked for. Its event id is stored with a UNIQUE constraint in the same
transaction as the status change: a second delivery of the same event is acknowledged and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from registration.core.conf import app_settings
from registration.payments.backends import CURRENCY, PROVIDER_STATUSES
from registration.payments.flows import set_status
from registration.payments.models import Payment, PaymentEvent

logger = logging.getLogger(__name__)

#: Seconds between the provider's clock at signing and ours (a later replay is refused).
WINDOW = 300
SIGNATURE_HEADER = "X-Webhook-Signature"
TIME_HEADER = "X-Webhook-Time"


@dataclass(frozen=True)
class Outcome:
    """The HTTP status to answer and what happened (for the log and the tests, never the body)."""

    http_status: int
    result: str


def webhook_secret() -> str:
    return str(app_settings.PAYMENT_WEBHOOK_SECRET or app_settings.PAYMENT_SECRET or "")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return f"hmac-sha256={digest}"


def receive(body: bytes, timestamp: str, given_signature: str, now: float | None = None) -> Outcome:
    """Check one notification and record it; the answer to give the provider."""
    secret = webhook_secret()
    if not secret:
        logger.error("Payment webhook refused: no webhook secret is configured.")
        return Outcome(503, "not_configured")
    if not hmac.compare_digest(signature(secret, timestamp, body), given_signature or ""):
        logger.warning("Payment webhook refused: bad signature.")
        return Outcome(403, "bad_signature")
    now = time.time() if now is None else now
    if not timestamp.isdigit() or abs(now - int(timestamp)) > WINDOW:
        logger.warning("Payment webhook refused: its time is outside the window.")
        return Outcome(400, "stale")
    try:
        event = json.loads(body.decode())
        event_id, kind, data = str(event["event_id"]), str(event["type"]), event["payment"]
        provider_id, amount, currency = str(data["id"]), data["amount"], data["currency"]
        status = PROVIDER_STATUSES[str(data["status"])]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        logger.warning("Payment webhook refused: unreadable event.")
        return Outcome(400, "unreadable")
    if not event_id or len(event_id) > 64:
        return Outcome(400, "unreadable")
    payment = Payment.objects.filter(provider_payment_id=provider_id).first()
    if payment is None:
        logger.warning("Payment webhook %s is about an unknown payment.", event_id)
        return Outcome(404, "unknown_payment")
    if type(amount) is not int or amount != payment.amount_kopecks or currency != CURRENCY:
        logger.error("Payment webhook %s: amount or currency differs from payment %s.", event_id, payment.public_id)
        return Outcome(400, "amount_mismatch")
    try:
        with transaction.atomic():
            PaymentEvent.objects.create(event_id=event_id, payment=payment, kind=kind[:32])
            changed = set_status(payment, status, via="webhook")
    except IntegrityError:
        logger.info("Payment webhook %s delivered again: acknowledged, nothing changed.", event_id)
        return Outcome(200, "duplicate")
    return Outcome(200, "changed" if changed else "unchanged")
