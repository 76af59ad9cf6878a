"""Sessions encrypted at rest: wizard drafts (passport number, SNILS, INN) are never stored readable.

The session engines here are Django's, with one change: what they store, in the database and in the
cache alike, is a Fernet token of the session's JSON (``registration.core.crypto``: the newest key
encrypts, every key decrypts; a token also proves the data was not altered, as Django's signature
did). Django's own engines keep the cache copy as a pickled dictionary; these keep the token there
too. Pick one with ``SESSION_ENGINE``:

* ``registration.core.sessions.db``: the database (the default);
* ``registration.core.sessions.cached_db``: read from the cache, written through to the database;
* ``registration.core.sessions.cache``: the cache only.

A session stored before encryption (Django's signed, base64 and zlib form) is still read and is
encrypted when next saved; ``manage.py rotate_personal_data`` re-encrypts stored sessions with the
newest key. A cache entry that no key decrypts counts as missing (``cached_db`` then reads the
database).
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.fernet import InvalidToken
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from registration.core import crypto

logger = logging.getLogger("django.security.SuspiciousSession")


class EncryptedSessionMixin(SessionBase):
    """Encodes a session as a Fernet token of its JSON instead of Django's signed base64."""

    def encode(self, session_dict: dict[str, Any]) -> str:
        return crypto.fernet().encrypt(self.serializer().dumps(session_dict)).decode()

    def decode(self, session_data: str) -> dict[str, Any]:  # type: ignore[override]
        if not crypto.is_encrypted(session_data or ""):
            return super().decode(session_data)  # stored before encryption: read, re-encrypted on save
        return self.decrypt(session_data) or {}

    def decrypt(self, token: str) -> dict[str, Any] | None:
        """The session in ``token``, or ``None`` when no configured key opens it."""
        try:
            return self.serializer().loads(crypto.fernet().decrypt(token.encode()))
        except InvalidToken:
            logger.warning("A stored session cannot be decrypted with the configured keys; it is dropped.")
        except ValueError:
            pass
        return None


class EncryptedCache:
    """A cache seen through a session store: session dictionaries go in and come out as tokens."""

    def __init__(self, cache: Any, store: EncryptedSessionMixin) -> None:
        self._cache = cache
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)  # delete, has_key, …: nothing to encrypt

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def _open(self, value: Any) -> Any:
        if value is None or isinstance(value, dict):  # a dictionary: cached before encryption
            return value
        return self._store.decrypt(value) if isinstance(value, str) else None  # undecryptable: as if missing

    def get(self, key: str, default: Any = None) -> Any:
        value = self._open(self._cache.get(key))
        return default if value is None else value

    def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        return self._cache.set(key, self._store.encode(value), timeout)

    def add(self, key: str, value: Any, timeout: Any = None) -> Any:
        return self._cache.add(key, self._store.encode(value), timeout)

    async def aget(self, key: str, default: Any = None) -> Any:
        value = self._open(await self._cache.aget(key))
        return default if value is None else value

    async def aset(self, key: str, value: Any, timeout: Any = None) -> Any:
        return await self._cache.aset(key, self._store.encode(value), timeout)

    async def aadd(self, key: str, value: Any, timeout: Any = None) -> Any:
        return await self._cache.aadd(key, self._store.encode(value), timeout)


def rotate_stored(batch_size: int = 500) -> int:
    """Re-encrypt every live session in the database with the newest key; returns how many."""
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from registration.core.sessions.db import SessionStore

    store = SessionStore()
    done = 0
    keys = list(Session.objects.filter(expire_date__gt=timezone.now()).values_list("pk", flat=True))
    for start in range(0, len(keys), batch_size):
        with transaction.atomic():
            for row in Session.objects.select_for_update().filter(pk__in=keys[start : start + batch_size]):
                data = store.decode(row.session_data)
                if data:
                    row.session_data = store.encode(data)
                    row.save(update_fields=["session_data"])
                    done += 1
    return done
