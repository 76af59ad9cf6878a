"""One-time codes: generated from `secrets`, stored only as keyed hashes, compared in constant time.

Every flow that sends a code (SMS, e-mail, post letter, consulate, service centre) uses these
primitives, so that no code ever reaches the database or the logs in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_READ = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def generate_digits(length: int = 6) -> str:
    """A random numeric code, e.g. for SMS: ``'042917'``."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def generate_crockford(length: int = 10) -> str:
    """A random Crockford base-32 code (no I, L, O, U), e.g. for a letter by post."""
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    """What a person typed, as it was issued: upper-case; dashes and spaces dropped; O→0, I/L→1."""
    return (code or "").strip().upper().translate(_CROCKFORD_READ)


def secret_keys(label: str) -> list[bytes]:
    """Keys for ``label`` from ``SECRET_KEY`` and then each of ``SECRET_KEY_FALLBACKS``, newest first.

    New hashes use the first; codes and digests made before a secret-key rotation stay valid
    while the old key is kept among the fallbacks.
    """
    secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [hashlib.sha256(f"{label}:{secret}".encode()).digest() for secret in secrets_in_use]


def _hash(key: bytes, code: str, purpose: str, subject: str) -> str:
    message = f"{purpose}\x00{subject}\x00{normalise(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def hash_code(code: str, *, purpose: str, subject: str = "") -> str:
    """A keyed hash of the code, bound to its purpose and subject (account, phone, passport…)."""
    return _hash(secret_keys("registration.codes.onetime")[0], code, purpose, subject)


def matches(code: str, stored_hash: str, *, purpose: str, subject: str = "") -> bool:
    """Whether ``code`` is the one whose hash was stored (constant-time; every key in use is tried)."""
    found = False
    for key in secret_keys("registration.codes.onetime"):
        found |= hmac.compare_digest(_hash(key, code, purpose, subject), stored_hash or "")
    return found
