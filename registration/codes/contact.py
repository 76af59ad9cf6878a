"""Contact confirmation flows: send a code, check a typed code, confirm an e-mail by its link.

A code is 6 random digits, stored only as a keyed hash, valid ``REGISTRATION_CODE_TTL`` seconds
(10 minutes) with at most ``REGISTRATION_CODE_MAX_ATTEMPTS`` (5) wrong tries. A new code may be
sent ``REGISTRATION_CODE_RESEND_COOLDOWN`` seconds (60) after the last one and replaces it. SMS are
limited per phone (``send_sms_phone``: 5 an hour) and per client address (``send_sms_ip``);
e-mails per address and per client (``send_email``, ``send_email_ip``).

The functions return outcomes instead of raising, so that a view can show each case plainly; they
never put a code or a phone number in a log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from registration.codes import onetime
from registration.codes.models import CodePurpose, ContactCode
from registration.codes.sms import SmsSendError, send_sms
from registration.core import mail, ratelimit
from registration.core.conf import app_settings
from registration.core.http import client_ip

logger = logging.getLogger(__name__)

# Outcome codes (stable: views map them to messages, tests assert them).
SENT = "sent"
ALREADY_CONFIRMED = "already_confirmed"
COOLDOWN = "cooldown"
RATE_LIMITED = "rate_limited"
SEND_FAILED = "send_failed"
CONFIRMED = "confirmed"
WRONG = "code_wrong"
EXPIRED = "code_expired"
TOO_MANY_ATTEMPTS = "code_too_many_attempts"
NO_CODE = "code_not_sent"

EMAIL_LINK_SALT = "registration.contact.email-link"


def code_ttl() -> int:
    return int(app_settings.CODE_TTL)


def max_attempts() -> int:
    return int(app_settings.CODE_MAX_ATTEMPTS)


def resend_cooldown() -> int:
    return int(app_settings.CODE_RESEND_COOLDOWN)


def code_length() -> int:
    return int(app_settings.CODE_LENGTH)


@dataclass(frozen=True)
class SendOutcome:
    code: str
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.code in (SENT, ALREADY_CONFIRMED)


@dataclass(frozen=True)
class CheckOutcome:
    code: str
    attempts_left: int = 0

    @property
    def ok(self) -> bool:
        return self.code == CONFIRMED


@dataclass(frozen=True)
class CodeState:
    """What the code page shows: whether a code was sent, when a new one may be asked for."""

    sent: bool
    confirmed: bool
    expired: bool
    attempts_left: int
    resend_in: int


def _hash(code: str, purpose: str, owner: str, address: str) -> str:
    return onetime.hash_code(code, purpose=f"contact.{purpose}", subject=f"{owner}\x00{address}")


def current(purpose: str, owner: str) -> ContactCode | None:
    return ContactCode.objects.filter(purpose=purpose, owner=owner).first()


def state(purpose: str, owner: str, address: str, row: ContactCode | None = None) -> CodeState:
    """The code's state for ``address`` (one query, none when ``row`` is given)."""
    row = row if row is not None else current(purpose, owner)
    if row is None or row.address != address:
        return CodeState(sent=False, confirmed=False, expired=False, attempts_left=max_attempts(), resend_in=0)
    now = timezone.now()
    waited = (now - row.sent_at).total_seconds()
    return CodeState(
        sent=True,
        confirmed=row.is_confirmed,
        expired=row.expires_at <= now,
        attempts_left=max(0, max_attempts() - row.attempts),
        resend_in=max(0, int(resend_cooldown() - waited + 0.999)),
    )


def is_confirmed(purpose: str, owner: str, address: str) -> bool:
    """Whether ``address`` was confirmed for ``owner`` (a read: safe inside a form's clean())."""
    if not owner or not address:
        return False
    return ContactCode.objects.filter(
        purpose=purpose, owner=owner, address=address, confirmed_at__isnull=False
    ).exists()


def confirmed_addresses(owner: str) -> set[tuple[str, str]]:
    """Every ``(purpose, address)`` confirmed for ``owner`` (a read, one query)."""
    if not owner:
        return set()
    rows = ContactCode.objects.filter(owner=owner, confirmed_at__isnull=False).values_list("purpose", "address")
    return {(str(purpose), address) for purpose, address in rows}


def _limits_allow(purpose: str, address: str, request: HttpRequest | None) -> bool:
    ip = client_ip(request) or "unknown"
    if purpose == CodePurpose.EMAIL:
        checks = (("send_email", address), ("send_email_ip", ip))
    else:
        checks = (("send_sms_phone", address), ("send_sms_ip", ip))
    # Look first, then count: a refusal on the second limit must not eat the first one's budget.
    if not all(ratelimit.is_allowed(action, key) for action, key in checks):
        return False
    counted = [ratelimit.hit(action, key) for action, key in checks]  # count every limit, then decide
    return all(counted)


def email_link(row_owner: str, address: str, code_hash: str, request: HttpRequest | None) -> str:
    """A signed link that confirms ``address`` for the draft in any browser; the next code voids it."""
    token = signing.dumps({"o": row_owner, "a": address, "h": code_hash[:16]}, salt=EMAIL_LINK_SALT, compress=True)
    path = reverse("registration:contact_email_link", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def _deliver(
    purpose: str,
    owner: str,
    address: str,
    code: str,
    code_hash: str,
    request: HttpRequest | None,
    email_template: str = "contact_code",
) -> None:
    minutes = max(1, code_ttl() // 60)
    if purpose == CodePurpose.EMAIL:
        context = {
            "code": code,
            "link": email_link(owner, address, code_hash, request),
            "minutes": minutes,
            "link_minutes": max(1, int(app_settings.EMAIL_LINK_MAX_AGE) // 60),
        }
        mail.send_templated(email_template, address, context)
        return
    template = "sms/login_code.txt" if purpose == CodePurpose.LOGIN else "sms/phone_code.txt"
    text = " ".join(render_to_string(template, {"code": code, "minutes": minutes}).split())
    send_sms(address, text)


def send_code(
    purpose: str,
    owner: str,
    address: str,
    *,
    request: HttpRequest | None = None,
    force: bool = False,
    email_template: str = "contact_code",
) -> SendOutcome:
    """Send a new code to ``address`` unless it is confirmed, too soon, or over a rate limit.

    ``force`` is False when the person merely opens the code page: a code already sent to the same
    address (even an expired one) is then left alone and nothing is sent. ``email_template`` names
    the e-mail (``email/<name>_*.txt``) for flows other than registration.
    """
    row = current(purpose, owner)
    now = timezone.now()
    if row is not None and row.address == address:
        if row.is_confirmed:
            return SendOutcome(ALREADY_CONFIRMED)
        if not force:
            return SendOutcome(SENT)
        waited = (now - row.sent_at).total_seconds()
        if waited < resend_cooldown():
            return SendOutcome(COOLDOWN, retry_after=max(1, int(resend_cooldown() - waited + 0.999)))
    if not _limits_allow(purpose, address, request):
        return SendOutcome(RATE_LIMITED)
    code = onetime.generate_digits(code_length())
    code_hash = _hash(code, purpose, owner, address)
    try:
        with translation.override(translation.get_language() or settings.LANGUAGE_CODE):
            _deliver(purpose, owner, address, code, code_hash, request, email_template)
    except SmsSendError:
        logger.warning("A %s code could not be sent; the person was asked to try again.", purpose)
        return SendOutcome(SEND_FAILED)
    except ImproperlyConfigured:
        # A broken SMS setting must not show the person an error page: they are asked to try later.
        logger.exception("The SMS backend is misconfigured; no %s code was sent.", purpose)
        return SendOutcome(SEND_FAILED)
    except OSError:  # SMTP down, refused connection…
        logger.warning("A %s code e-mail could not be sent; the person was asked to try again.", purpose)
        return SendOutcome(SEND_FAILED)
    values: dict[str, Any] = {
        "address": address,
        "code_hash": code_hash,
        "sent_at": now,
        "expires_at": now + timedelta(seconds=code_ttl()),
        "attempts": 0,
        "confirmed_at": None,
    }
    try:
        with transaction.atomic():
            updated = ContactCode.objects.filter(purpose=purpose, owner=owner).update(
                send_count=F("send_count") + 1, **values
            )
            if not updated:
                ContactCode.objects.create(purpose=purpose, owner=owner, send_count=1, **values)
    except IntegrityError:  # two sends raced for a new owner: the other one's row exists now
        ContactCode.objects.filter(purpose=purpose, owner=owner).update(send_count=F("send_count") + 1, **values)
    return SendOutcome(SENT)


def check_code(
    purpose: str, owner: str, address: str, typed: str, *, request: HttpRequest | None = None
) -> CheckOutcome:
    """Check a typed code; each try uses one of the code's attempts (race-safe)."""
    if not ratelimit.hit("verify_code_ip", client_ip(request) or "unknown"):
        return CheckOutcome(RATE_LIMITED)
    row = current(purpose, owner)
    if row is None or row.address != address:
        return CheckOutcome(NO_CODE)
    if row.is_confirmed:
        return CheckOutcome(CONFIRMED)
    limit = max_attempts()
    if row.attempts >= limit:
        return CheckOutcome(TOO_MANY_ATTEMPTS)
    if row.expires_at <= timezone.now():
        return CheckOutcome(EXPIRED)
    # Reserve the attempt before comparing, so that parallel guesses cannot exceed the limit.
    reserved = ContactCode.objects.filter(pk=row.pk, attempts__lt=limit, code_hash=row.code_hash).update(
        attempts=F("attempts") + 1
    )
    if not reserved:
        return CheckOutcome(TOO_MANY_ATTEMPTS)
    if onetime.matches(typed, row.code_hash, purpose=f"contact.{purpose}", subject=f"{owner}\x00{address}"):
        ContactCode.objects.filter(pk=row.pk).update(confirmed_at=timezone.now())
        return CheckOutcome(CONFIRMED)
    left = max(0, limit - row.attempts - 1)
    return CheckOutcome(WRONG if left else TOO_MANY_ATTEMPTS, attempts_left=left)


@dataclass(frozen=True)
class LinkOutcome:
    code: str  # "confirmed", "link_invalid", "link_expired", "link_replaced"
    address: str = ""
    owner: str = ""


def read_email_link(token: str) -> LinkOutcome:
    """Check an e-mail link without acting on it (what the confirmation page shows)."""
    max_age = int(app_settings.EMAIL_LINK_MAX_AGE)
    try:
        payload = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return LinkOutcome("link_expired")
    except (signing.BadSignature, ValueError):
        return LinkOutcome("link_invalid")
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) for k in ("o", "a", "h")):
        return LinkOutcome("link_invalid")
    row = current(CodePurpose.EMAIL, payload["o"])
    if row is None or row.address != payload["a"] or not row.code_hash.startswith(payload["h"]):
        return LinkOutcome("link_replaced")
    return LinkOutcome(CONFIRMED if row.is_confirmed else "link_valid", address=row.address, owner=row.owner)


def confirm_email_link(token: str) -> LinkOutcome:
    """Mark the e-mail confirmed from its signed link (works in any browser or device)."""
    outcome = read_email_link(token)
    if outcome.code != "link_valid":
        return outcome
    ContactCode.objects.filter(
        purpose=CodePurpose.EMAIL, owner=outcome.owner, address=outcome.address, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    return LinkOutcome(CONFIRMED, address=outcome.address, owner=outcome.owner)


def forget(owner: str) -> None:
    """Delete a finished draft's codes (after the application is submitted)."""
    ContactCode.objects.filter(owner=owner).delete()
