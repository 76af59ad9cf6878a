"""Django's cache session engine, holding encrypted sessions in the cache."""

from typing import Any

from django.contrib.sessions.backends import cache

from registration.core.sessions import EncryptedCache, EncryptedSessionMixin


class SessionStore(EncryptedSessionMixin, cache.SessionStore):
    def __init__(self, session_key: Any = None) -> None:
        super().__init__(session_key)
        self._cache = EncryptedCache(self._cache, self)  # type: ignore[has-type]
