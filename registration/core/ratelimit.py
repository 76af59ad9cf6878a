"""Rate limits declared as data and applied in one place, on the shared cache.

``REGISTRATION_RATE_LIMITS`` maps an action to ``"count/period"`` (``"5/1h"``, ``"3/10m"``,
``"1/60s"``, ``"3/30d"``) over a sliding window (no double burst at a window's edge). The counters
live in Django's cache (Redis in production), so every app server sees the same numbers, under keyed
hashes of what they count. A view that exceeds a limit answers HTTP 429.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registration.core.conf import app_settings
from registration.core.crypto import derived_keys, keyed_digest
from registration.core.http import client_ip

DEFAULT_LIMITS: dict[str, str] = {
    "send_sms_phone": "5/1h",
    "send_sms_ip": "20/1h",
    "send_email": "5/1h",
    "send_email_ip": "20/1h",
    "password_reset_ip": "10/1h",
    "password_reset_email": "3/1h",
    "verify_code_ip": "30/10m",
    "login_ip": "30/10m",
    # The wizard's contacts step per client address: it sends no code, but each try costs a look-up.
    "wizard_contacts_ip": "30/1h",
    # Continuing a saved registration: links e-mailed per draft, and links opened or codes asked for per
    # client address.
    "wizard_resume_draft": "5/1h",
    "wizard_resume_ip": "20/1h",
    # The captcha read aloud (each request runs a speech synthesiser), and the INN check, per address.
    "captcha_audio_ip": "30/10m",
    "inn_check_ip": "30/10m",
    "post_letter_code": "5/10m",
    "consulate_code": "5/10m",
    "service_centre_code": "5/10m",
    "mobile_id_code": "5/10m",
    "support_request": "10/1d",
    # Identity confirmation: certificate uploads and video bookings per account.
    "signature_upload": "10/1h",
    "video_booking": "10/1h",
    "document_upload": "10/1h",
    # Profile changes per account: contact changes (each try of the password counts), identity
    # changes held for review, and the address or identifiers.
    "profile_contact": "10/1h",
    "profile_identity": "20/1d",
    "profile_details": "20/1h",
    # The support line: caller checks per operator, and codes sent to one account's phone.
    "caller_check_operator": "30/1h",
    "caller_code_account": "3/1h",
    # The public check page of issued documents (opened from a QR code), per client address.
    "document_check_ip": "60/10m",
    # The person's own data: archives downloaded, and tries at closing the account (each password try counts).
    "privacy_export": "5/1d",
    "account_close": "10/1h",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse(rate: str) -> Rate:
    """``"5/10m"`` → ``Rate(count=5, seconds=600)``."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. '5/10m').")
    count, amount, unit = match.groups()
    return Rate(int(count), int(amount or 1) * _UNITS[unit])


def rate_for(action: str) -> Rate:
    limits = {**DEFAULT_LIMITS, **app_settings.RATE_LIMITS}
    return parse(limits[action])


RATE_LIMIT_KEY = b"rate-limit"


def cache_key(action: str, key: str, window: int) -> str:
    """The cache key of ``key``'s counter in ``window``: a keyed hash (HMAC under a key derived from
    ``SECRET_KEY``), so that the cache never holds a phone or address, nor an unkeyed hash that
    trying every phone number would reverse."""
    digest = keyed_digest(derived_keys(RATE_LIMIT_KEY)[0], action, key)
    return f"rl:{action}:{digest[:32]}:{window}"


def _used(action: str, key: str, rate: Rate, now: float, *, add: int) -> float:
    """Attempts in the sliding window ending ``now`` (after adding ``add``).

    A sliding-window counter: the current fixed window's count plus the previous window's, weighted by
    how much of the previous window the sliding one still covers. So a burst at the end of one window
    still counts just after the edge (no double burst), with two cache counters per key.
    """
    window, into = divmod(now, rate.seconds)
    window = int(window)
    current_key = cache_key(action, key, window)
    if add:
        cache.add(current_key, 0, timeout=2 * rate.seconds + 5)
        try:
            current = cache.incr(current_key, add)
        except ValueError:  # expired between add and incr
            cache.set(current_key, add, timeout=2 * rate.seconds + 5)
            current = add
    else:
        current = int(cache.get(current_key, 0))
    previous = int(cache.get(cache_key(action, key, window - 1), 0))
    return previous * (1 - into / rate.seconds) + current


def hit(action: str, key: str, *, consume: bool = True) -> bool:
    """Count one attempt of ``action`` by ``key``; False when the limit is already reached."""
    rate = rate_for(action)
    if not consume:
        return _used(action, key, rate, time.time(), add=0) + 1 <= rate.count
    return _used(action, key, rate, time.time(), add=1) <= rate.count


def is_allowed(action: str, key: str) -> bool:
    """Whether one more attempt would be allowed, without counting one."""
    return hit(action, key, consume=False)


def reset(action: str, key: str) -> None:
    rate = rate_for(action)
    window = int(time.time() // rate.seconds)
    cache.delete_many([cache_key(action, key, window), cache_key(action, key, window - 1)])


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)


def limit(action: str, key: Callable[[HttpRequest], str] | None = None, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: past the limit for ``action``, answer 429. The key defaults to the client IP."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                subject = key(request) if key else (client_ip(request) or "unknown")
                if not hit(action, subject):
                    return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
