"""Talking to the payment provider over HTTP (the API of ``registration/payments/simulator``).

The provider's API, JSON over HTTPS at ``REGISTRATION_PAYMENT_URL``:

* ``POST /v1/payments`` with an ``Idempotency-Key`` header (the payment's ``idempotency_key``) and
  ``{"amount": <kopecks, integer>, "currency": "RUB", "description": "...", "reference": "<public id>",
  "return_url": "...", "webhook_url": "..."}``: creates the payment, or returns the one made earlier
  with the same key; the answer is ``{"id", "status", "amount", "currency", "confirmation_url"}``;
* ``GET /v1/payments/<id>``: the payment as the provider knows it (``status``: ``pending``, ``succeeded``,
  ``canceled`` or ``refunded``);
* ``POST /v1/payments/<id>/refund`` with an ``Idempotency-Key`` header: returns the whole amount.

Each request carries ``X-Shop-Id``, ``X-Request-Time`` (Unix seconds) and ``X-Signature:
hmac-sha256=<hex>``, the HMAC-SHA-256 under ``REGISTRATION_PAYMENT_SECRET`` of
``<METHOD>\\n<path>\\n<time>\\n<body>``. Every request is safe to repeat (a GET, or a POST with its
idempotency key), so a network error, a timeout, a 429 or a 5xx is tried again
``REGISTRATION_PAYMENT_RETRIES`` times; anything else unexpected is final. Either way the caller gets
:class:`PaymentUnavailable`, whose message it shows; the reason goes to the log only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registration.core import metrics
from registration.core.conf import app_settings
from registration.payments.models import Payment, PaymentStatus

logger = logging.getLogger(__name__)

CURRENCY = "RUB"
#: The provider's statuses, as the site's.
PROVIDER_STATUSES = {
    "pending": PaymentStatus.PENDING,
    "succeeded": PaymentStatus.PAID,
    "canceled": PaymentStatus.FAILED,
    "refunded": PaymentStatus.REFUNDED,
}
#: What the person is told when the provider cannot be reached or refuses.
UNAVAILABLE_MESSAGE = _(
    "The payment service is not answering at the moment. Nothing has been charged: please try again in a few minutes."
)


class PaymentUnavailable(Exception):
    """The provider could not be reached, or answered something unusable; ``message`` is for the person."""

    message = UNAVAILABLE_MESSAGE


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` of one request to the provider."""
    signed = f"{method}\n{path}\n{timestamp}\n".encode() + body
    return "hmac-sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def site_url(path: str) -> str:
    """An absolute address on the site, for the provider (return and webhook URLs)."""
    base = str(app_settings.PUBLIC_URL or "").rstrip("/")
    if not base:
        raise PaymentUnavailable("REGISTRATION_PUBLIC_URL is not set")
    return base + path


class _Retry(Exception):
    """A failure that trying again may cure."""


class HttpProviderBackend:
    """The payment provider of the module's docstring."""

    def __init__(self) -> None:
        self.base = str(app_settings.PAYMENT_URL or "").rstrip("/")
        self.shop_id = str(app_settings.PAYMENT_SHOP_ID or "")
        self.secret = str(app_settings.PAYMENT_SECRET or "")
        self.timeout = float(app_settings.PAYMENT_TIMEOUT)
        self.retries = max(0, int(app_settings.PAYMENT_RETRIES))

    # --- the API ------------------------------------------------------------------------------------

    def create(self, payment: Payment) -> tuple[str, str]:
        answer = self._request(
            "POST",
            "/v1/payments",
            {
                "amount": payment.amount_kopecks,
                "currency": CURRENCY,
                "description": payment.description,
                "reference": str(payment.public_id),
                "return_url": site_url(reverse("registration:payment_return", args=[payment.public_id])),
                "webhook_url": site_url(reverse("registration:payment_webhook")),
            },
            idempotency_key=str(payment.idempotency_key),
        )
        self._check_amount(payment, answer)
        provider_id, url = str(answer.get("id") or ""), str(answer.get("confirmation_url") or "")
        if not provider_id or len(provider_id) > 64 or not url.startswith(("https://", "http://")):
            raise PaymentUnavailable("the provider's answer has no payment id or page")
        return provider_id, url

    def status(self, payment: Payment) -> PaymentStatus:
        answer = self._request("GET", f"/v1/payments/{self._provider_id(payment)}")
        self._check_amount(payment, answer)
        return self._status(answer)

    def refund(self, payment: Payment) -> PaymentStatus:
        """Return the whole amount; the provider's status after it (``refunded`` once done)."""
        answer = self._request(
            "POST",
            f"/v1/payments/{self._provider_id(payment)}/refund",
            {"amount": payment.amount_kopecks, "currency": CURRENCY},
            idempotency_key=f"refund-{payment.idempotency_key}",
        )
        self._check_amount(payment, answer)
        return self._status(answer)

    # --- the plumbing -------------------------------------------------------------------------------

    @staticmethod
    def _provider_id(payment: Payment) -> str:
        if not payment.provider_payment_id:
            raise PaymentUnavailable("the payment was never created at the provider")
        return quote(payment.provider_payment_id, safe="")

    @staticmethod
    def _status(answer: dict[str, Any]) -> PaymentStatus:
        status = PROVIDER_STATUSES.get(str(answer.get("status")))
        if status is None:
            raise PaymentUnavailable(f"unknown provider status {answer.get('status')!r}")
        return status

    @staticmethod
    def _check_amount(payment: Payment, answer: dict[str, Any]) -> None:
        if answer.get("amount") != payment.amount_kopecks or answer.get("currency") != CURRENCY:
            logger.error("Payment %s: the provider's amount or currency differs from ours.", payment.public_id)
            metrics.payment_provider_error("mismatch")
            raise PaymentUnavailable("amount or currency mismatch")

    def _request(
        self, method: str, path: str, data: dict[str, Any] | None = None, *, idempotency_key: str = ""
    ) -> dict[str, Any]:
        if not self.base:
            raise PaymentUnavailable("REGISTRATION_PAYMENT_URL is not set")
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else b""
        reason = ""
        for attempt in range(self.retries + 1):
            try:
                return self._send(method, path, body, idempotency_key)
            except _Retry as exc:
                reason = str(exc)
                logger.warning("Payment provider %s %s, try %d: %s", method, path, attempt + 1, reason)
                if attempt < self.retries:
                    time.sleep(min(0.25 * 2**attempt, 2.0))
        raise PaymentUnavailable(reason)

    def _send(self, method: str, path: str, body: bytes, idempotency_key: str) -> dict[str, Any]:
        timestamp = str(int(time.time()))
        headers = {
            "Accept": "application/json",
            "X-Shop-Id": self.shop_id,
            "X-Request-Time": timestamp,
            "X-Signature": sign(self.secret, method, path, timestamp, body),
        }
        if body:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(  # noqa: S310 (the configured provider's address)
            self.base + path, data=body if method == "POST" else None, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            metrics.payment_provider_error(metrics.http_error_kind(exc.code))
            if exc.code == 429 or exc.code >= 500:
                raise _Retry(f"HTTP {exc.code}") from None
            logger.error("Payment provider refused %s %s: HTTP %s", method, path, exc.code)
            raise PaymentUnavailable(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            timed_out = isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError)
            metrics.payment_provider_error("timeout" if timed_out else "network")
            raise _Retry(type(exc).__name__) from None
        try:
            answer = json.loads(raw.decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            metrics.payment_provider_error("unreadable")
            raise PaymentUnavailable("unreadable answer") from None
        if not isinstance(answer, dict):
            metrics.payment_provider_error("unreadable")
            raise PaymentUnavailable("unreadable answer")
        return answer
