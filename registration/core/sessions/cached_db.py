"""Django's cached database session engine, encrypted in the cache and in the database alike."""

from typing import Any

from django.contrib.sessions.backends import cached_db

from registration.core.sessions import EncryptedCache, EncryptedSessionMixin


class SessionStore(EncryptedSessionMixin, cached_db.SessionStore):
    def __init__(self, session_key: Any = None) -> None:
        super().__init__(session_key)
        self._cache = EncryptedCache(self._cache, self)  # type: ignore[has-type]
