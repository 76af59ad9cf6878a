"""Sending SMS through a backend chosen by ``REGISTRATION_SMS_BACKEND``.

* :class:`ConsoleBackend` prints each message (the development default);
* :class:`MemoryBackend` keeps messages in the module-level :data:`outbox` (tests);
* :class:`FileBackend` appends one JSON line per message to ``REGISTRATION_SMS_FILE_PATH``;
* :class:`HttpGatewayBackend` POSTs JSON with a bearer token to ``REGISTRATION_SMS_GATEWAY_URL``,
  with a timeout per request and a few retries on network errors and 5xx answers. Every try of one
  message carries the same ``Idempotency-Key``, so a retry after a timeout (when the first request
  may have been delivered) is de-duplicated by the gateway instead of texting the person twice.

A backend raises :class:`SmsSendError` when the message could not be handed over; the caller tells
the person "could not send, try again" and keeps everything else as it was.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from registration.core import metrics
from registration.core.conf import app_settings
from registration.core.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsSendError(Exception):
    """The message was not handed over to the operator."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class BaseBackend:
    """Send one text to one phone number in E.164 form, or raise :class:`SmsSendError`."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Print the message to standard output (development)."""

    _lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        stream = self.options.get("stream") or sys.stdout
        with self._lock:
            stream.write(f"SMS to {to}: {text}\n")
            stream.flush()


#: Messages "sent" by :class:`MemoryBackend`, oldest first; tests read and clear it.
outbox: list[SmsMessage] = []


class MemoryBackend(BaseBackend):
    """Keep messages in :data:`outbox` (tests)."""

    def send(self, to: str, text: str) -> None:
        outbox.append(SmsMessage(to=to, text=text))


class FileBackend(BaseBackend):
    """Append each message as a JSON line to a file (a staging server without a gateway)."""

    _lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        path = Path(self.options.get("path") or app_settings.SMS_FILE_PATH)
        line = json.dumps({"to": to, "text": text, "sent_at": datetime.now(UTC).isoformat()}, ensure_ascii=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise SmsSendError(f"Could not write to the SMS file: {exc.strerror}") from exc


#: The header that names one message across the tries of :class:`HttpGatewayBackend`.
IDEMPOTENCY_HEADER = "Idempotency-Key"


def new_message_id() -> str:
    """A random message id (UUID4, 32 hex digits): unguessable, so no one can suppress another's SMS."""
    return uuid.uuid4().hex


class HttpGatewayBackend(BaseBackend):
    """POST ``{"to": ..., "text": ...}`` as JSON with ``Authorization: Bearer <token>``.

    A 2xx answer means accepted. Network errors, timeouts and 5xx answers are retried
    ``REGISTRATION_SMS_GATEWAY_RETRIES`` times with a short growing pause; a 4xx answer is final.
    Each message gets a random ``Idempotency-Key`` (:data:`IDEMPOTENCY_HEADER`) sent unchanged on every
    try: the gateway delivers a key once, so retrying an unknown outcome (a timeout after the request
    left) cannot send the message twice.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.url = options.get("url") or app_settings.SMS_GATEWAY_URL
        self.token = options.get("token") or app_settings.SMS_GATEWAY_TOKEN
        self.timeout = float(options.get("timeout") or app_settings.SMS_GATEWAY_TIMEOUT)
        self.retries = int(options.get("retries", app_settings.SMS_GATEWAY_RETRIES))
        self.backoff = float(options.get("backoff", 0.5))
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("REGISTRATION_SMS_GATEWAY_URL must be an http(s) URL.")

    def _post(self, body: bytes, message_id: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                IDEMPOTENCY_HEADER: message_id,
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read(65536)
            return response.status

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        message_id = new_message_id()  # one per message, the same on every try
        last_error = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * attempt)
            try:
                self._post(body, message_id)
                return
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"
                metrics.sms_gateway_error(metrics.http_error_kind(exc.code))
                if exc.code < 500 and exc.code != 429:
                    break
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last_error = type(getattr(exc, "reason", exc)).__name__
                metrics.sms_gateway_error("timeout" if "timeout" in last_error.lower() else "network")
            logger.warning(
                "SMS gateway refused a message to %s (attempt %d): %s", mask_phone(to), attempt + 1, last_error
            )
        raise SmsSendError(f"The SMS gateway did not accept the message: {last_error}")


def get_backend(path: str | None = None, **options: Any) -> BaseBackend:
    """The configured backend (``REGISTRATION_SMS_BACKEND``), read at call time."""
    path = path or app_settings.SMS_BACKEND
    return import_string(path)(**options)


def render(template_name: str, context: dict[str, Any] | None = None, *, language: str) -> str:
    """The text of ``template_name`` (under ``templates/sms/``) in ``language``, white space collapsed.

    The language is the person's (``registration.core.mail.language_of(account)``), or the request's
    where no account exists yet: never the language of a clerk whose action sends the text.
    """
    with translation.override(language):
        return " ".join(render_to_string(template_name, context or {}).split())


def send_sms(to: str, text: str) -> None:
    """Send ``text`` to ``to`` through the configured backend; raises :class:`SmsSendError`."""
    get_backend().send(to, text)
