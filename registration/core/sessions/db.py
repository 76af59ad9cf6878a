"""Django's database session engine, storing encrypted sessions (see ``registration.core.sessions``)."""

from django.contrib.sessions.backends import db

from registration.core.sessions import EncryptedSessionMixin


class SessionStore(EncryptedSessionMixin, db.SessionStore):
    pass
