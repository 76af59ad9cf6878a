"""THE one-time-code service: issue, verify, revoke every code (contacts, log-in, identity, caller).

* A code is drawn with ``secrets`` from its purpose's alphabet (``registration.codes.policy``) and only
  its keyed hash is stored: HMAC-SHA-256 under a key derived by HKDF from ``SECRET_KEY``
  (``registration.core.crypto.derived_keys``), bound to the purpose, the subject and the address.
  Checking tries the keys of ``SECRET_KEY`` and each of ``SECRET_KEY_FALLBACKS``, so codes issued
  before a secret-key rotation keep working while the old secret is a fallback.
* At most one code per purpose and subject is live (a partial unique constraint); issuing revokes the
  live one. A subject that is personal data (a passport number) is stored as a keyed digest.
* Every check uses one attempt, reserved in the database before comparing (a conditional
  ``F()`` update on rows locked with ``select_for_update``), so parallel guesses cannot exceed the
  policy's attempts; a code that has used them all is dead until a new one is issued.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from registration.codes.models import OneTimeCode, OneTimeCodeQuerySet
from registration.codes.policy import POLICIES, Policy
from registration.core import metrics
from registration.core.crypto import derived_keys, keyed_digest

CODE_KEY = b"one-time-code"
SUBJECT_KEY = b"one-time-code-subject"

# Verdicts of :func:`verify` (stable: each flow maps them to its own messages).
MATCHED = "matched"
WRONG = "wrong"
EXPIRED = "expired"
EXHAUSTED = "exhausted"
NO_CODE = "no_code"

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def policy(purpose: str) -> Policy:
    return POLICIES[purpose]


def generate(purpose: str) -> str:
    """A new random code of the purpose's alphabet and length."""
    rules = policy(purpose)
    return "".join(secrets.choice(rules.alphabet) for _ in range(rules.limits().length))


def normalise(typed: str) -> str:
    """What a person typed, as it was issued: upper-case; dashes and spaces dropped; O→0, I/L→1."""
    return (typed or "").strip().upper().translate(_READ_AS)


def stored_subjects(purpose: str, subject: str) -> list[str]:
    """What ``subject`` is stored as, newest key first (a personal subject: its digest under each key)."""
    if not policy(purpose).personal_subject:
        return [subject]
    return [keyed_digest(key, purpose, subject) for key in derived_keys(SUBJECT_KEY)]


def hash_code(code: str, *, purpose: str, subject: str, address: str = "", key: bytes | None = None) -> str:
    """The keyed hash of ``code`` (``subject`` as stored), made with the newest key unless one is given."""
    key = key if key is not None else derived_keys(CODE_KEY)[0]
    return keyed_digest(key, purpose, subject, address, normalise(code))


def matches(row: OneTimeCode, typed: str) -> bool:
    """Whether ``typed`` is the code of ``row`` (constant time; every key in use is tried)."""
    found = False
    for key in derived_keys(CODE_KEY):
        candidate = hash_code(typed, purpose=row.purpose, subject=row.subject, address=row.address, key=key)
        found |= hmac.compare_digest(candidate, row.code_hash or "")
    return found


def live(purpose: str, subject: str | Iterable[str]) -> OneTimeCodeQuerySet:
    """The live codes of ``purpose`` for ``subject`` (or for any of several subjects)."""
    subjects = [subject] if isinstance(subject, str) else list(subject)
    stored = [value for one in subjects for value in stored_subjects(purpose, one)]
    return OneTimeCode.objects.live().filter(purpose=purpose, subject__in=stored)


def _serialise_issues(purpose: str, stored_subject: str) -> None:
    """Queue simultaneous issues for one subject (until the transaction ends), so that each revokes the last.

    Without it, several issues racing for one subject all insert and all but one hit
    ``one_time_code_one_live_per_subject``, more times than a retry can absorb. SQLite writes one
    transaction at a time already; PostgreSQL takes an advisory lock on the subject.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"code:{purpose}:{stored_subject}"])


def issue(
    purpose: str,
    subject: str,
    *,
    address: str = "",
    account: Model | None = None,
    issued_by: Model | None = None,
    hint: str = "",
    send: Callable[[str, str], None] | None = None,
) -> tuple[OneTimeCode, str]:
    """Issue a code, revoking the subject's live one; returns the row and the code in clear (never stored).

    ``send(code, code_hash)`` delivers the code before anything is stored: when it raises, nothing
    changes and a code already sent keeps working.
    """
    limits = policy(purpose).limits()
    code = generate(purpose)
    stored = stored_subjects(purpose, subject)[0]
    code_hash = hash_code(code, purpose=purpose, subject=stored, address=address)
    with metrics.code_delivery(purpose, metrics.channel_of(address, delivered=send is not None)):
        if send is not None:
            send(code, code_hash)
    for retry in (False, True):
        try:
            with transaction.atomic():
                _serialise_issues(purpose, stored)
                now = timezone.now()
                live(purpose, subject).update(revoked_at=now)
                row = OneTimeCode.objects.create(  # type: ignore[misc]  # Model: codes does not import accounts
                    purpose=purpose,
                    subject=stored,
                    subject_hint=hint,
                    address=address,
                    account=account,
                    issued_by=issued_by,
                    code_hash=code_hash,
                    created_at=now,
                    expires_at=now + limits.lifetime,
                )
            return row, code
        except IntegrityError:  # another issue for this subject won the race: revoke its code and retry
            if retry:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def cooldown_left(row: OneTimeCode) -> int:
    """Seconds until another code may be issued after ``row`` (0: now)."""
    left = policy(row.purpose).limits().cooldown - (timezone.now() - row.created_at)
    return max(0, math.ceil(left.total_seconds()))


def revoke(purpose: str, subject: str | Iterable[str]) -> int:
    """Revoke the live codes of ``purpose`` for ``subject``; returns how many."""
    return live(purpose, subject).update(revoked_at=timezone.now())


@dataclass(frozen=True)
class Verdict:
    """What checking a typed code found: ``status`` is one of the verdicts above."""

    status: str
    row: OneTimeCode | None = field(default=None, repr=False)
    attempts_left: int = 0

    @property
    def ok(self) -> bool:
        return self.status == MATCHED


def verify(purpose: str, subject: str | Iterable[str], typed: str) -> Verdict:
    """Check ``typed`` against the live code of ``subject`` (or of any of several subjects).

    Each check uses one attempt of every usable code (reserved before comparing); the matching code
    is marked used. ``WRONG`` with ``attempts_left == 0`` means that entry used the last attempt.
    """
    max_attempts = policy(purpose).limits().max_attempts
    # No savepoint of its own: nothing in here raises on purpose, and a check stays a few queries.
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        rows = list(live(purpose, subject).select_for_update().order_by("-created_at", "-pk"))
        if not rows:
            return Verdict(NO_CODE)
        usable = [row for row in rows if row.expires_at > now and row.attempts < max_attempts]
        if not usable:
            return Verdict(EXPIRED if all(row.expires_at <= now for row in rows) else EXHAUSTED)
        reserved = [
            row
            for row in usable
            if OneTimeCode.objects.live()
            .filter(pk=row.pk, attempts__lt=max_attempts)
            .update(attempts=F("attempts") + 1)
        ]
        if not reserved:
            return Verdict(EXHAUSTED)
        for row in reserved:
            row.attempts += 1
        # Compare with every reserved code, always, so that the time taken does not tell which matched.
        found = [row for row in reserved if matches(row, typed)]
        if found:
            row = found[0]
            if OneTimeCode.objects.live().filter(pk=row.pk).update(used_at=now):
                row.used_at = now
                return Verdict(MATCHED, row)
            return Verdict(NO_CODE)
        left = max(max_attempts - row.attempts for row in reserved)
        return Verdict(WRONG, attempts_left=max(0, left))


def mark_used(row: OneTimeCode) -> bool:
    """Use ``row`` without typing it (an e-mail link stands for its code); False if no longer live."""
    return bool(OneTimeCode.objects.live().filter(pk=row.pk).update(used_at=timezone.now()))
