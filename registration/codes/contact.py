"""Contact confirmation flows: send a code, check a typed code, confirm an e-mail by its link.

The codes come from the one code service (``registration.codes.service``) under the ``phone``,
``email`` and ``login`` policies: ``REGISTRATION_CODE_LENGTH`` (6) random digits, stored only as a
keyed hash, valid ``REGISTRATION_CODE_TTL`` seconds (10 minutes; a log-in code
``REGISTRATION_LOGIN_CODE_MAX_AGE``) for at most ``REGISTRATION_CODE_MAX_ATTEMPTS`` (5) tries. A new
code may be sent ``REGISTRATION_CODE_RESEND_COOLDOWN`` seconds (60) after the last one and replaces it.
The subject of a code is its owner (a wizard draft, ``account:<pk>``, ``profile:<pk>``); the latest
code of an owner remembers the address it confirmed. SMS are limited per phone (``send_sms_phone``:
5 an hour) and per client address (``send_sms_ip``); e-mails per address and per client
(``send_email``, ``send_email_ip``).

The functions return outcomes instead of raising, so that a view can show each case plainly; they
never put a code or a phone number in a log.
"""

from __future__ import annotations

import hmac
import logging
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from registration.codes import service, sms
from registration.codes.models import CodePurpose, OneTimeCode, OneTimeCodeQuerySet
from registration.codes.sms import SmsSendError, send_sms
from registration.core import mail, ratelimit
from registration.core.conf import app_settings
from registration.core.crypto import derived_keys, keyed_digest
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

#: The e-mail link's token: a selector (hex, from the code's hash) and a MAC (hex), see link_token().
LINK_KEY = b"email-link"
LINK_SELECTOR_LENGTH = 16
LINK_MAC_LENGTH = 32


CONTACT_PURPOSES = (CodePurpose.PHONE, CodePurpose.EMAIL, CodePurpose.LOGIN)


def code_ttl(purpose: str = CodePurpose.PHONE) -> int:
    """Seconds a code of ``purpose`` stays valid."""
    return int(service.policy(purpose).limits().lifetime.total_seconds())


def max_attempts(purpose: str = CodePurpose.PHONE) -> int:
    return service.policy(purpose).limits().max_attempts


def code_length(purpose: str = CodePurpose.PHONE) -> int:
    return service.policy(purpose).limits().length


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


def owned(owner: str) -> OneTimeCodeQuerySet:
    """Every contact code of ``owner`` (the newest first)."""
    return OneTimeCode.objects.filter(purpose__in=CONTACT_PURPOSES, subject=owner)


def current(purpose: str, owner: str) -> OneTimeCode | None:
    """The latest code of ``purpose`` sent for ``owner`` (live, used or dead)."""
    return OneTimeCode.objects.filter(purpose=purpose, subject=owner).order_by("-created_at", "-pk").first()


def state(purpose: str, owner: str, address: str, row: OneTimeCode | None = None) -> CodeState:
    """The code's state for ``address`` (one query, none when ``row`` is given)."""
    row = row if row is not None else current(purpose, owner)
    limit = max_attempts(purpose)
    if row is None or row.address != address:
        return CodeState(sent=False, confirmed=False, expired=False, attempts_left=limit, resend_in=0)
    return CodeState(
        sent=True,
        confirmed=row.is_confirmed,
        expired=row.is_expired,
        attempts_left=max(0, limit - row.attempts),
        resend_in=service.cooldown_left(row),
    )


def is_confirmed(purpose: str, owner: str, address: str) -> bool:
    """Whether ``address`` was confirmed for ``owner`` (a read: safe inside a form's clean())."""
    if not owner or not address:
        return False
    row = current(purpose, owner)
    return row is not None and row.address == address and row.is_confirmed


def confirmed_addresses(owner: str) -> set[tuple[str, str]]:
    """Every ``(purpose, address)`` confirmed for ``owner`` (a read, one query)."""
    if not owner:
        return set()
    latest: dict[str, tuple[str, datetime | None]] = {}
    for purpose, address, used_at in (
        owned(owner).order_by("created_at", "pk").values_list("purpose", "address", "used_at")
    ):
        latest[purpose] = (address, used_at)  # a later code replaces what an earlier one confirmed
    return {(str(purpose), address) for purpose, (address, used_at) in latest.items() if used_at is not None}


def _limits_allow(purpose: str, address: str, request: HttpRequest | None) -> bool:
    ip = client_ip(request) or "unknown"
    if purpose == CodePurpose.EMAIL or "@" in address:  # a log-in code goes by e-mail to an account without phone
        checks = (("send_email", address), ("send_email_ip", ip))
    else:
        checks = (("send_sms_phone", address), ("send_sms_ip", ip))
    # Look first, then count: a refusal on the second limit must not eat the first one's budget.
    if not all(ratelimit.is_allowed(action, key) for action, key in checks):
        return False
    counted = [ratelimit.hit(action, key) for action, key in checks]  # count every limit, then decide
    return all(counted)


def _link_mac(code_hash: str, key: bytes) -> str:
    return keyed_digest(key, code_hash)[:LINK_MAC_LENGTH]


def link_token(code_hash: str) -> str:
    """The opaque token of the e-mail link that stands for the code whose keyed hash is ``code_hash``.

    It says nothing about the person (the address, the draft): a selector (the start of the code's
    keyed hash, to find the row) and a MAC of the whole hash under a key derived from ``SECRET_KEY``.
    The database keeps only the code's hash, from which the token cannot be made without the key.
    """
    return code_hash[:LINK_SELECTOR_LENGTH] + _link_mac(code_hash, derived_keys(LINK_KEY)[0])


def email_link(row_owner: str, address: str, code_hash: str, request: HttpRequest | None) -> str:
    """A link that confirms the e-mail code's address in any browser; the next code voids it."""
    path = reverse("registration:contact_email_link", kwargs={"token": link_token(code_hash)})
    return request.build_absolute_uri(path) if request is not None else path


def _link_row(token: str) -> OneTimeCode | None:
    """The e-mail code that ``token`` stands for (constant-time MAC check under every key in use)."""
    if len(token) != LINK_SELECTOR_LENGTH + LINK_MAC_LENGTH or token.strip(string.hexdigits):
        return None
    selector, mac = token[:LINK_SELECTOR_LENGTH], token[LINK_SELECTOR_LENGTH:]
    keys = derived_keys(LINK_KEY)
    for row in OneTimeCode.objects.filter(purpose=CodePurpose.EMAIL, code_hash__startswith=selector.lower()):
        if any(hmac.compare_digest(_link_mac(row.code_hash, key), mac.lower()) for key in keys):
            return row
    return None


def _deliver(
    purpose: str,
    owner: str,
    address: str,
    code: str,
    code_hash: str,
    request: HttpRequest | None,
    email_template: str = "contact_code",
) -> None:
    minutes = max(1, code_ttl(purpose) // 60)
    if purpose == CodePurpose.EMAIL:
        context = {
            "code": code,
            "link": email_link(owner, address, code_hash, request),
            "minutes": minutes,
            "link_minutes": max(1, int(app_settings.EMAIL_LINK_MAX_AGE) // 60),
        }
        mail.send_templated(email_template, address, context)
        return
    if "@" in address:  # a log-in code for an account without a phone
        mail.send_templated("login_code", address, {"code": code, "minutes": minutes})
        return
    template = "sms/login_code.txt" if purpose == CodePurpose.LOGIN else "sms/phone_code.txt"
    language = translation.get_language() or settings.LANGUAGE_CODE  # set by send_code()
    text = sms.render(template, {"code": code, "minutes": minutes}, language=language)
    send_sms(address, text)


def send_code(
    purpose: str,
    owner: str,
    address: str,
    *,
    request: HttpRequest | None = None,
    force: bool = False,
    email_template: str = "contact_code",
    language: str | None = None,
) -> SendOutcome:
    """Send a new code to ``address`` unless it is confirmed, too soon, or over a rate limit.

    ``force`` is False when the person merely opens the code page: a code already sent to the same
    address (even an expired one) is then left alone and nothing is sent. ``email_template`` names
    the e-mail (``email/<name>_*.txt``) for flows other than registration. ``language`` is the
    account's language where there is an account (a log-in code); else the request's is used.
    """
    row = current(purpose, owner)
    if row is not None and row.address == address:
        if row.is_confirmed:
            return SendOutcome(ALREADY_CONFIRMED)
        if not force:
            return SendOutcome(SENT)
        wait = service.cooldown_left(row)
        if wait:
            return SendOutcome(COOLDOWN, retry_after=wait)
    if not _limits_allow(purpose, address, request):
        return SendOutcome(RATE_LIMITED)

    def deliver(code: str, code_hash: str) -> None:
        with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
            _deliver(purpose, owner, address, code, code_hash, request, email_template)

    try:
        service.issue(purpose, owner, address=address, send=deliver)
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
    verdict = service.verify(purpose, owner, typed)
    if verdict.ok:
        return CheckOutcome(CONFIRMED)
    if verdict.status == service.WRONG:
        left = verdict.attempts_left
        return CheckOutcome(WRONG if left else TOO_MANY_ATTEMPTS, attempts_left=left)
    return CheckOutcome(_REFUSALS[verdict.status])


_REFUSALS = {
    service.NO_CODE: NO_CODE,
    service.EXPIRED: EXPIRED,
    service.EXHAUSTED: TOO_MANY_ATTEMPTS,
}


@dataclass(frozen=True)
class LinkOutcome:
    code: str  # "confirmed", "link_invalid", "link_expired", "link_replaced"
    address: str = ""
    owner: str = ""


def read_email_link(token: str) -> LinkOutcome:
    """Check an e-mail link without acting on it (what the confirmation page shows)."""
    row = _link_row(token)
    if row is None:
        return LinkOutcome("link_invalid")
    if timezone.now() - row.created_at > timedelta(seconds=int(app_settings.EMAIL_LINK_MAX_AGE)):
        return LinkOutcome("link_expired")
    latest = current(CodePurpose.EMAIL, row.subject)
    if latest is None or latest.pk != row.pk or row.revoked_at is not None:
        return LinkOutcome("link_replaced")
    return LinkOutcome(CONFIRMED if row.is_confirmed else "link_valid", address=row.address, owner=row.subject)


def confirm_email_link(token: str) -> LinkOutcome:
    """Mark the e-mail confirmed from its link (works in any browser or device; the code is then used)."""
    outcome = read_email_link(token)
    if outcome.code != "link_valid":
        return outcome
    row = current(CodePurpose.EMAIL, outcome.owner)
    if row is not None and row.address == outcome.address:
        service.mark_used(row)
    return LinkOutcome(CONFIRMED, address=outcome.address, owner=outcome.owner)


def discard(purpose: str, owner: str) -> int:
    """Delete ``owner``'s codes of ``purpose`` (a contact change cancelled or done); returns how many."""
    deleted, _rows = OneTimeCode.objects.filter(purpose=purpose, subject=owner).delete()
    return deleted


def forget(owner: str) -> None:
    """Delete a finished draft's codes (after the application is submitted)."""
    owned(owner).delete()


def stale(cutoff: datetime) -> OneTimeCodeQuerySet:
    """Codes nobody needs any more: wizard and profile codes sent before ``cutoff``, expired log-in codes."""
    return OneTimeCode.objects.filter(
        purpose__in=[CodePurpose.PHONE, CodePurpose.EMAIL], created_at__lt=cutoff
    ) | OneTimeCode.objects.filter(purpose=CodePurpose.LOGIN, expires_at__lt=timezone.now())
