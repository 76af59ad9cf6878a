"""Asking a registry over HTTP: signed requests, timeouts, retries with back-off, a shared circuit breaker.

Each question is a ``POST`` of a JSON object to its endpoint (``REGISTRATION_REGISTRY_ENDPOINTS[question]``,
else ``REGISTRATION_REGISTRY_URL`` + ``/`` + question) with:

* ``Authorization: Bearer <REGISTRATION_REGISTRY_TOKEN>``;
* ``X-Request-Time`` (Unix seconds) and ``X-Signature: hmac-sha256=<hex>``, the HMAC-SHA-256 of
  ``<time>\\n<body>`` under ``REGISTRATION_REGISTRY_SIGNING_KEY``, so that a request altered or replayed
  later than the registry allows is refused. (The real interagency exchange signs its envelopes with
  GOST R 34.10-2012 through a certified cryptography provider: that is outside this service.)

The answer is ``{"outcome": "match" | "no_match" | "not_found", "reference": "...", ...}``. A network
error, a timeout, a 429 or a 5xx answer is tried again ``REGISTRATION_REGISTRY_RETRIES`` times, after
``REGISTRATION_REGISTRY_BACKOFF`` seconds, doubled each time; another 4xx or an unreadable answer is
final. A round that gets no answer counts against the registry's circuit breaker (``RegistryCircuit``,
in the database, shared by every process): after ``REGISTRATION_REGISTRY_BREAKER_FAILURES`` such rounds
in a row the registry is not asked for ``REGISTRATION_REGISTRY_BREAKER_SECONDS``. Either way the answer
is :data:`Outcome.UNAVAILABLE` and the caller re-checks later: nobody waits on a registry that is down.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from registration.core.conf import app_settings
from registration.registries.models import RegistryCircuit
from registration.registries.questions import SETTLED, Outcome, get

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
TIME_HEADER = "X-Request-Time"


@dataclass(frozen=True)
class Answer:
    """What a registry said about one question (or why it said nothing)."""

    outcome: str
    reference: str = ""
    detail: str = ""
    # The mobile number on a migration record (personal data: never logged).
    phone: str = field(default="", repr=False)
    # A temporary identification code the tax service gives a person without an INN, if it does.
    temporary_code: str = field(default="", repr=False)

    @property
    def settled(self) -> bool:
        return self.outcome in SETTLED


def sign(key: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(key.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return f"hmac-sha256={digest}"


def endpoint(question: str) -> str:
    """Where ``question`` is asked ('' when no registry is configured)."""
    configured = (app_settings.REGISTRY_ENDPOINTS or {}).get(question)
    if configured:
        return str(configured)
    base = str(app_settings.REGISTRY_URL or "").rstrip("/")
    return f"{base}/{question}" if base else ""


# --- the circuit breaker --------------------------------------------------------------------------


def circuit_open(registry: str) -> bool:
    """Whether ``registry``'s breaker is open now (it is not asked until it closes)."""
    return RegistryCircuit.objects.filter(pk=registry, open_until__gt=timezone.now()).exists()


def record_success(registry: str) -> None:
    RegistryCircuit.objects.filter(pk=registry).exclude(failures=0, open_until=None).update(failures=0, open_until=None)


def record_failure(registry: str) -> None:
    """Count a round without an answer; the one that reaches the limit opens the breaker."""
    with contextlib.suppress(IntegrityError):  # created at the same moment by another process
        RegistryCircuit.objects.get_or_create(pk=registry)
    RegistryCircuit.objects.filter(pk=registry).update(failures=F("failures") + 1)
    limit = int(app_settings.REGISTRY_BREAKER_FAILURES)
    opened = timezone.now() + timedelta(seconds=int(app_settings.REGISTRY_BREAKER_SECONDS))
    if RegistryCircuit.objects.filter(pk=registry, failures__gte=limit).update(open_until=opened):
        logger.warning("Registry %s did not answer %d rounds in a row: not asked until %s.", registry, limit, opened)


# --- asking -------------------------------------------------------------------------------------------


def _post(url: str, body: bytes) -> dict[str, Any]:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        TIME_HEADER: timestamp,
    }
    if app_settings.REGISTRY_TOKEN:
        headers["Authorization"] = f"Bearer {app_settings.REGISTRY_TOKEN}"
    if app_settings.REGISTRY_SIGNING_KEY:
        headers[SIGNATURE_HEADER] = sign(str(app_settings.REGISTRY_SIGNING_KEY), timestamp, body)
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=float(app_settings.REGISTRY_TIMEOUT)) as response:  # noqa: S310
        answer = json.loads(response.read(65536).decode())
    if not isinstance(answer, dict):
        raise ValueError("not an object")
    return answer


class _Final(Exception):
    """A refusal that trying again would not change (a 4xx, an unreadable answer)."""


def _answer(data: dict[str, Any]) -> Answer:
    outcome = data.get("outcome")
    if outcome not in SETTLED:
        raise _Final("unknown outcome")
    return Answer(
        outcome=str(outcome),
        reference=str(data.get("reference") or "")[:64],
        detail=str(data.get("detail") or "")[:32],
        phone=str(data.get("phone") or "")[:16],
        temporary_code=str(data.get("temporary_code") or "")[:32],
    )


def ask(question: str, payload: dict[str, Any]) -> Answer:
    """Ask ``question`` about ``payload``; :data:`Outcome.UNAVAILABLE` whenever no answer came."""
    registry = get(question).registry
    url = endpoint(question)
    if not url.startswith(("https://", "http://")):
        return Answer(Outcome.UNAVAILABLE, detail="not_configured")
    if circuit_open(registry):
        return Answer(Outcome.UNAVAILABLE, detail="circuit_open")
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    retries = int(app_settings.REGISTRY_RETRIES)
    backoff = float(app_settings.REGISTRY_BACKOFF)
    problem = "no attempt"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            answer = _answer(_post(url, body))
        except urllib.error.HTTPError as exc:
            problem = f"http_{exc.code}"
            if exc.code < 500 and exc.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            problem = type(getattr(exc, "reason", exc)).__name__.lower()[:32]
        except (ValueError, _Final):
            problem = "bad_answer"
            break
        else:
            record_success(registry)
            return answer
        logger.warning("Registry %s gave no answer to %s (try %d): %s", registry, question, attempt + 1, problem)
    record_failure(registry)
    return Answer(Outcome.UNAVAILABLE, detail=problem[:32])
