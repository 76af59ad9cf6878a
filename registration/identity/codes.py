"""Identity codes: issued at random, stored as keyed hashes, expiring, attempt-limited, checked in constant time.

Each code is bound to a purpose and a subject (the account for post and service-centre codes, the
passport number for consulate codes). The subject is kept only as a keyed digest, so that a code can
be found by its subject without any passport number stored in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from registration.accounts.models import Account
from registration.codes import onetime
from registration.identity.base import IdentityError
from registration.identity.models import IdentityCode, IdentityConfirmation


def subject_digest(purpose: str, subject: str) -> str:
    """A keyed digest of ``subject`` for ``purpose`` (equal subjects give equal digests; not reversible)."""
    return subject_digests(purpose, subject)[0]


def subject_digests(purpose: str, subject: str) -> list[str]:
    """The digests under every secret key in use, newest first: codes issued before a rotation are found."""
    message = f"{purpose}\x00{subject}".encode()
    return [
        hmac.new(key, message, hashlib.sha256).hexdigest()
        for key in onetime.secret_keys("registration.identity.subject")
    ]


def issue(
    purpose: str,
    subject: str,
    *,
    validity: timedelta,
    max_attempts: int,
    generate: Callable[[], str] = onetime.generate_crockford,
    account: Account | None = None,
    confirmation: IdentityConfirmation | None = None,
    by: Account | None = None,
    hint: str = "",
    replace: bool = True,
) -> tuple[IdentityCode, str]:
    """Issue a new code; returns the record and the code in clear (to be shown once, never stored).

    With ``replace`` the subject's earlier live codes of this purpose are revoked first.
    """
    now = timezone.now()
    digest = subject_digest(purpose, subject)
    if replace:
        IdentityCode.objects.live().filter(
            purpose=purpose, subject_digest__in=subject_digests(purpose, subject)
        ).update(revoked_at=now)
    code = generate()
    record = IdentityCode.objects.create(
        purpose=purpose,
        subject_digest=digest,
        subject_hint=hint,
        code_hash=onetime.hash_code(code, purpose=purpose, subject=subject),
        account=account,
        confirmation=confirmation,
        issued_by=by,
        created_at=now,
        expires_at=now + validity,
        max_attempts=max_attempts,
    )
    return record, code


def revoke(purpose: str, subject: str) -> int:
    """Revoke every live code of ``subject`` for ``purpose``; returns how many were revoked."""
    digests = subject_digests(purpose, subject)
    return (
        IdentityCode.objects.live()
        .filter(purpose=purpose, subject_digest__in=digests)
        .update(revoked_at=timezone.now())
    )


def verify(purpose: str, subject: str, code: str) -> IdentityCode:
    """The live code of ``subject`` that ``code`` matches, now marked used.

    Raises ``IdentityError`` with code ``no_code``, ``code_expired``, ``too_many_attempts`` or
    ``wrong_code``; a wrong code counts one attempt against each of the subject's usable codes.
    """
    now = timezone.now()
    digests = subject_digests(purpose, subject)
    live = list(IdentityCode.objects.live().filter(purpose=purpose, subject_digest__in=digests).order_by("-created_at"))
    if not live:
        raise IdentityError("no_code")
    usable = [c for c in live if c.expires_at > now and c.attempts < c.max_attempts]
    if not usable:
        if all(c.expires_at <= now for c in live):
            raise IdentityError("code_expired")
        raise IdentityError("too_many_attempts")
    # Compare against every usable code, always, so that the time taken does not tell which matched.
    matched = [c for c in usable if onetime.matches(code, c.code_hash, purpose=purpose, subject=subject)]
    if matched:
        record = matched[0]
        # Conditional update: of two simultaneous entries of the same code only one succeeds.
        if IdentityCode.objects.filter(pk=record.pk, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now):
            record.used_at = now
            return record
        raise IdentityError("no_code")
    IdentityCode.objects.filter(pk__in=[c.pk for c in usable]).update(attempts=F("attempts") + 1)
    remaining = max(c.max_attempts - c.attempts - 1 for c in usable)
    if remaining <= 0:
        raise IdentityError("too_many_attempts")
    raise IdentityError("wrong_code", remaining=remaining)
