"""Personal data at rest: Fernet encryption with key rotation, and keyed hashes for exact-match search.

Document numbers, machine-readable zones, SNILS and INN are stored encrypted (``EncryptedTextField``).
Encryption is randomised, so the database cannot compare them; instead each model keeps a keyed hash
(HMAC-SHA-256) of the compact value for finding duplicates, and the last digits in clear for clerks'
search.

Keys, read when used so that ``override_settings`` works:

* ``REGISTRATION_ENCRYPTION_KEYS``: Fernet keys, newest first (a list, or one comma-separated string).
  The first encrypts; every key decrypts (``MultiFernet``). Unset: keys derived from ``SECRET_KEY``
  then each of ``SECRET_KEY_FALLBACKS`` (HKDF-SHA-256), so rotating the secret key with fallbacks
  rotates these keys too.
* ``REGISTRATION_LOOKUP_KEY``: the key of the keyed hashes. Unset: derived from ``SECRET_KEY``. Hashes
  made with an older key (``REGISTRATION_LOOKUP_KEY_FALLBACKS``, or derived from the fallbacks of the
  secret key) are still found; ``manage.py rotate_personal_data`` re-encrypts every value with the
  newest key and recomputes every hash, after which the old keys can be dropped.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

from registration.core.conf import app_settings

#: Every Fernet token starts with this (version byte 0x80, base64-encoded).
TOKEN_PREFIX = "gAAAAA"  # noqa: S105  (not a secret: the public token header)


@functools.lru_cache(maxsize=64)
def _derive(secret: str, purpose: bytes) -> bytes:
    """32 bytes derived from ``secret`` for ``purpose`` (HKDF-SHA-256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"registration.personal-data", info=purpose).derive(
        secret.encode()
    )


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value if item and item.strip()]


def _secret_keys() -> list[str]:
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def derived_keys(purpose: bytes) -> list[bytes]:
    """Keys for ``purpose`` derived from ``SECRET_KEY`` and then each of its fallbacks, newest first.

    The first makes new keyed hashes; the others keep hashes made before a secret-key rotation valid
    while the old secret stays among ``SECRET_KEY_FALLBACKS``.
    """
    return [_derive(secret, purpose) for secret in _secret_keys()]


def encryption_keys() -> list[str]:
    """The Fernet keys in use, newest (the one that encrypts) first."""
    configured = _as_list(app_settings.ENCRYPTION_KEYS)
    if configured:
        return configured
    return [base64.urlsafe_b64encode(_derive(secret, b"fernet")).decode() for secret in _secret_keys()]


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "REGISTRATION_ENCRYPTION_KEYS must be Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ) from exc


def fernet() -> MultiFernet:
    """The ``MultiFernet`` of the current keys."""
    return _fernet(tuple(encryption_keys()))


def encrypt(value: str) -> str:
    """Encrypt text with the newest key; the empty string stays empty (so ``blank`` lookups still work)."""
    if value == "":
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a token made with any of the keys; raises ``InvalidToken`` when none fits."""
    if token == "":
        return ""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    if token == "":
        return ""
    return fernet().rotate(token.encode()).decode()


def is_encrypted(value: str) -> bool:
    """Whether ``value`` looks like a Fernet token (rather than a value written in clear)."""
    return value.startswith(TOKEN_PREFIX)


def lookup_keys() -> list[bytes]:
    """The keys of the keyed hashes, newest first."""
    configured = app_settings.LOOKUP_KEY
    if configured:
        older = _as_list(app_settings.LOOKUP_KEY_FALLBACKS)
        return [hashlib.sha256(key.encode()).digest() for key in [configured, *older]]
    return [_derive(secret, b"lookup") for secret in _secret_keys()]


def keyed_digest(key: bytes, *parts: str) -> str:
    """HMAC-SHA-256 of ``parts`` joined by NUL, in hex: every keyed hash of the site is made here."""
    return hmac.new(key, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def lookup_hash(kind: str, value: str, *, key: bytes | None = None) -> str:
    """The keyed hash of ``value`` (already compact) as a ``kind`` (``document``, ``snils``, ``inn``)."""
    if not value:
        return ""
    key = key if key is not None else lookup_keys()[0]
    return keyed_digest(key, kind, value)


def lookup_hashes(kind: str, value: str) -> list[str]:
    """The hashes of ``value`` under every lookup key: rows not yet re-hashed are found too."""
    if not value:
        return []
    return [lookup_hash(kind, value, key=key) for key in lookup_keys()]


def compact(value: str) -> str:
    """Upper-case letters and digits only: how numbers are compared (``FA 123-45`` → ``FA12345``)."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token, decrypted on read; only emptiness can be queried.

    ``max_length`` limits what forms accept (the stored token is longer than the value). Values found
    in clear (written before encryption was introduced) are read as they are, and encrypted on save.
    """

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.max_length and "widget" not in kwargs:
            from django import forms

            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or not is_encrypted(value):
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name} cannot be decrypted with the configured keys: "
                "keep the old key in REGISTRATION_ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS) until "
                "manage.py rotate_personal_data has run."
            ) from None

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str):  # type: ignore[no-untyped-def]
        # Encrypted values cannot be compared; only emptiness can (the empty string stays in clear).
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


class EmptyOnlyExact(Exact):
    """``field=""`` works on an encrypted field; any other value would silently never match, so it raises."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise TypeError(f"{self.lhs.target.name} is encrypted: search by its keyed hash or last digits instead.")
        return super().get_prep_lookup()
