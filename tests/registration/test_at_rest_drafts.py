"""Wizard drafts (session data) are encrypted at rest in the database and in the cache."""

from __future__ import annotations

import base64
import contextlib
import json
import pickle
import re
import zlib

import pytest
from cryptography.fernet import Fernet
from django.contrib.sessions.backends.db import SessionStore as PlainSessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

SNILS, INN, PASSPORT = "11223344595", "500100732259", "FA1234567"
ENGINES = ["registration.core.sessions.db", "registration.core.sessions.cached_db", "registration.core.sessions.cache"]


def readable(value: object) -> str:
    """Everything a reader without the key gets from ``value``: itself, and its base64 and zlib decodings."""
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, bytes):
        text = value.decode("latin-1")
    found = [text]
    for part in re.split(r"[:.]", text):
        try:
            data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found.append(data.decode("latin-1"))
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(data).decode("latin-1"))
    return "\n".join(found)


def raw_session_row(key: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session WHERE session_key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else ""


def fill_draft(wizard) -> str:
    wizard.answers["identifiers"] = {"snils": SNILS, "inn": INN}
    wizard.run_until("address")
    return wizard.client.session.session_key


@pytest.mark.parametrize("engine", ENGINES)
def test_a_draft_holds_no_readable_identifiers(wizard, settings, engine):
    """After the identifiers step neither the session row nor the cache value shows SNILS, INN or passport."""
    settings.SESSION_ENGINE = engine
    key = fill_draft(wizard)
    cached = cache.get(f"django.contrib.sessions.{engine.rsplit('.', 1)[-1]}{key}")
    stored = [raw_session_row(key), pickle.dumps(cached)]
    assert stored[0] or cached is not None  # the draft is stored somewhere
    for value in stored:
        shown = readable(value)
        assert not any(secret in shown for secret in (SNILS, INN, PASSPORT)), engine
    assert wizard.client.session["wizard_registration_wizard"]["step_data"]["identifiers"]


def test_a_session_stored_before_encryption_still_reads(db, settings):
    """A draft written by Django's plain engine survives the switch and is encrypted when saved again."""
    plain = PlainSessionStore()
    plain["draft"] = {"snils": SNILS}
    plain.save()
    from registration.core.sessions.db import SessionStore

    session = SessionStore(plain.session_key)
    assert session["draft"] == {"snils": SNILS}
    session.modified = True
    session.save()
    assert SNILS not in readable(raw_session_row(plain.session_key))


def test_sessions_under_an_old_key_read_and_are_reencrypted(db, settings):
    """After a new key is put first an old draft still reads; rotate_personal_data re-encrypts it."""
    from registration.core.sessions.db import SessionStore

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.REGISTRATION_ENCRYPTION_KEYS = [old]
    session = SessionStore()
    session["draft"] = {"snils": SNILS}
    session.save()
    settings.REGISTRATION_ENCRYPTION_KEYS = [new, old]
    assert SessionStore(session.session_key)["draft"] == {"snils": SNILS}
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token = Session.objects.get(pk=session.session_key).session_data
    assert json.loads(Fernet(new).decrypt(token.encode())) == {"draft": {"snils": SNILS}}


def test_an_unencrypted_session_engine_is_a_system_check_warning(settings):
    """Pointing DJANGO_SESSION_ENGINE at one of Django's own engines is reported by ``manage.py check``."""
    from registration.core.checks import sessions_are_encrypted

    assert sessions_are_encrypted() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert [warning.id for warning in sessions_are_encrypted()] == ["registration.W010"]
