"""The one-time-code service: each policy, hashing at rest, key rotation, attempts, the live-code constraint."""

from __future__ import annotations

import os
import re
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from registration.codes import service
from registration.codes.models import CodePurpose, OneTimeCode

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
CROCKFORD = r"[0-9A-HJKMNP-TV-Z]"

# purpose: (pattern of a code, lifetime, max attempts, cooldown), with the default settings.
POLICIES = {
    "phone": (r"\d{6}", timedelta(minutes=10), 5, timedelta(seconds=60)),
    "email": (r"\d{6}", timedelta(minutes=10), 5, timedelta(seconds=60)),
    "login": (r"\d{6}", timedelta(minutes=5), 5, timedelta(seconds=60)),
    "resume": (r"\d{6}", timedelta(minutes=10), 5, timedelta(seconds=60)),
    "service_centre": (r"\d{8}", timedelta(days=7), 10, timedelta(0)),
    "post_letter": (CROCKFORD + "{10}", timedelta(days=30), 10, timedelta(0)),
    "consulate": (CROCKFORD + "{10}", timedelta(days=30), 5, timedelta(0)),
    "caller": (r"\d{6}", timedelta(minutes=5), 3, timedelta(0)),
    "mobile_id": (r"\d{6}", timedelta(minutes=10), 5, timedelta(seconds=60)),
}


def test_every_purpose_has_a_policy():
    """Each code purpose the model knows has a policy, and nothing else does."""
    assert set(service.POLICIES) == set(CodePurpose.values) == set(POLICIES)


@pytest.mark.parametrize("purpose", sorted(POLICIES))
def test_each_policy_gives_its_length_alphabet_lifetime_attempts_and_cooldown(db, purpose):
    """A code of each purpose has the policy's shape, lifetime, attempts and cooldown."""
    pattern, lifetime, attempts, cooldown = POLICIES[purpose]
    row, code = service.issue(purpose, "subject-1")
    assert re.fullmatch(pattern, code)
    assert row.expires_at - row.created_at == lifetime
    assert row.max_attempts == attempts
    assert service.cooldown_left(row) == int(cooldown.total_seconds())


@pytest.mark.parametrize(
    ("purpose", "setting", "value", "lifetime"),
    [
        ("phone", "REGISTRATION_CODE_TTL", 30, timedelta(seconds=30)),
        ("login", "REGISTRATION_LOGIN_CODE_MAX_AGE", 90, timedelta(seconds=90)),
        ("service_centre", "REGISTRATION_SERVICE_CENTRE_CODE_DAYS", 2, timedelta(days=2)),
        ("post_letter", "REGISTRATION_POST_CODE_DAYS", 3, timedelta(days=3)),
        ("consulate", "REGISTRATION_CONSULATE_CODE_DAYS", 4, timedelta(days=4)),
        ("caller", "REGISTRATION_CALLER_CODE_MINUTES", 2, timedelta(minutes=2)),
    ],
)
def test_lifetimes_are_read_from_the_settings_when_issuing(db, settings, purpose, setting, value, lifetime):
    """Changing a lifetime setting changes the next code's expiry at once."""
    setattr(settings, setting, value)
    row, _code = service.issue(purpose, "subject-1")
    assert row.expires_at - row.created_at == lifetime


def test_length_and_attempts_are_read_when_used(db, settings):
    """The code length and the attempts follow their settings, even for a code already issued."""
    settings.REGISTRATION_CODE_LENGTH = 8
    _row, code = service.issue("phone", "draft")
    assert len(code) == 8
    settings.REGISTRATION_CONSULATE_CODE_MAX_ATTEMPTS = 2
    consulate, _code = service.issue("consulate", "AB1234567")
    assert consulate.max_attempts == 2
    settings.REGISTRATION_CODE_MAX_ATTEMPTS = 1
    assert service.verify("phone", "draft", "x").status == service.WRONG
    assert service.verify("phone", "draft", code).status == service.EXHAUSTED


def test_the_cooldown_counts_from_the_last_code_and_follows_its_setting(db, settings):
    """Another code may be issued once the cooldown since the last one has passed."""
    row, _code = service.issue("phone", "draft")
    assert 59 <= service.cooldown_left(row) <= 60
    OneTimeCode.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    row.refresh_from_db()
    assert service.cooldown_left(row) == 0
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 120
    assert service.cooldown_left(row) > 0


@pytest.mark.parametrize("purpose", sorted(POLICIES))
def test_a_code_is_hashed_at_rest_and_never_stored(db, purpose):
    """No column of the stored row holds the code; its hash differs from it and matches only it."""
    row, code = service.issue(purpose, "subject-1", address="+79161234567")
    stored = OneTimeCode.objects.filter(pk=row.pk).values().get()
    assert all(code not in str(value) for value in stored.values())
    assert len(row.code_hash) == 64 and row.code_hash != code
    assert service.matches(row, code)
    assert not service.matches(row, "0" * len(code) if code != "0" * len(code) else "1" * len(code))


def test_the_hash_is_bound_to_purpose_subject_and_address(db):
    """The same code under another purpose, subject or address does not match."""
    row, code = service.issue("phone", "draft-1", address="+79161234567")
    assert service.matches(row, code)
    for changes in ({"purpose": "email"}, {"subject": "draft-2"}, {"address": "+79160000000"}):
        other = OneTimeCode(
            **{**{f: getattr(row, f) for f in ("purpose", "subject", "address", "code_hash")}, **changes}
        )
        assert not service.matches(other, code)


def test_typed_letter_codes_are_forgiving(db):
    """Lower case, dashes, spaces and look-alike letters are read as the issued code."""
    row = OneTimeCode(purpose="post_letter", subject="letter:1")
    row.code_hash = service.hash_code("0A1B2C3D4E", purpose=row.purpose, subject=row.subject)
    assert service.matches(row, "oa1b-2c3d 4e")
    assert service.matches(row, "0AIB2C3D4E")
    assert not service.matches(row, "0A1B2C3D4F")


def test_a_personal_subject_is_stored_only_as_a_keyed_digest(db):
    """A consulate code's passport number is not in the database; the code is found by the number."""
    row, code = service.issue("consulate", "AB1234567", hint="*****4567")
    assert "AB1234567" not in row.subject and len(row.subject) == 64
    assert service.verify("consulate", "AB1234567", code).row == row


def test_codes_survive_a_secret_key_rotation_while_the_old_key_is_a_fallback(db, settings):
    """Rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps issued codes valid; dropping it ends them."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-secret-" + "x" * 40, []
    row, code = service.issue("phone", "draft", address="+79161234567")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret-" + "y" * 40, ["old-secret-" + "x" * 40]
    assert service.matches(row, code)
    assert service.hash_code(code, purpose="phone", subject="draft", address="+79161234567") != row.code_hash
    settings.SECRET_KEY_FALLBACKS = []
    assert not service.matches(row, code)


def test_personal_subjects_are_found_after_a_secret_key_rotation(db, settings):
    """A consulate code issued before the rotation is found by its passport number and accepted afterwards."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-secret-" + "x" * 40, []
    _row, code = service.issue("consulate", "C10000005")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret-" + "y" * 40, ["old-secret-" + "x" * 40]
    assert service.verify("consulate", "C10000005", code).ok
    _row, second = service.issue("consulate", "C10000005")
    settings.SECRET_KEY_FALLBACKS = []
    assert service.verify("consulate", "C10000005", second).ok  # issued under the new key
    _row, third = service.issue("consulate", "C20000006")
    settings.SECRET_KEY = "newest-secret-" + "z" * 40
    assert service.verify("consulate", "C20000006", third).status == service.NO_CODE


def test_verify_uses_the_code_once_and_counts_every_entry(db):
    """A wrong entry uses an attempt; the right one is used once and then there is no code."""
    row, code = service.issue("caller", "caller-check:1")
    wrong = "000000" if code != "000000" else "111111"
    verdict = service.verify("caller", "caller-check:1", wrong)
    assert (verdict.status, verdict.attempts_left) == (service.WRONG, 2)
    assert service.verify("caller", "caller-check:1", code).row.pk == row.pk
    row.refresh_from_db()
    assert row.used_at is not None and row.attempts == 2
    assert service.verify("caller", "caller-check:1", code).status == service.NO_CODE


def test_the_last_attempt_kills_the_code(db):
    """After the policy's attempts even the right code is refused, until a new one is issued."""
    _row, code = service.issue("caller", "caller-check:1")
    wrong = "000000" if code != "000000" else "111111"
    assert [service.verify("caller", "caller-check:1", wrong).attempts_left for _ in range(3)] == [2, 1, 0]
    assert service.verify("caller", "caller-check:1", code).status == service.EXHAUSTED
    _row, new = service.issue("caller", "caller-check:1")
    assert service.verify("caller", "caller-check:1", new).ok


def test_an_expired_code_is_refused_as_expired(db):
    """A code past its lifetime gives EXPIRED and uses no attempt."""
    row, code = service.issue("service_centre", "account:1")
    OneTimeCode.objects.filter(pk=row.pk).update(expires_at=timezone.now())
    assert service.verify("service_centre", "account:1", code).status == service.EXPIRED
    row.refresh_from_db()
    assert row.attempts == 0 and row.used_at is None


def test_issuing_again_revokes_the_live_code_and_revoke_ends_it(db):
    """A new code for the same purpose and subject replaces the old one; revoke leaves none."""
    first, first_code = service.issue("service_centre", "account:1")
    second, second_code = service.issue("service_centre", "account:1")
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    if first_code != second_code:
        assert service.verify("service_centre", "account:1", first_code).status == service.WRONG
    assert service.revoke("service_centre", "account:1") == 1
    assert service.verify("service_centre", "account:1", second_code).status == service.NO_CODE


def test_a_code_of_any_of_several_subjects_is_accepted(db):
    """Checking against several subjects (a person's letters) finds the code of any of them."""
    _first, first_code = service.issue("post_letter", "letter:1")
    _second, _code = service.issue("post_letter", "letter:2")
    assert service.verify("post_letter", ["letter:1", "letter:2"], first_code).ok
    assert service.verify("post_letter", ["letter:3"], first_code).status == service.NO_CODE


def test_a_second_live_code_for_one_purpose_and_subject_is_refused_by_the_database(db):
    """The partial unique constraint, not a check in Python, keeps one live code per purpose and subject."""
    row, _code = service.issue("phone", "draft")
    duplicate = {"purpose": "phone", "subject": "draft", "code_hash": "0" * 64, "expires_at": row.expires_at}
    with pytest.raises(IntegrityError), transaction.atomic():
        OneTimeCode.objects.create(**duplicate)
    OneTimeCode.objects.create(**{**duplicate, "subject": "other-draft"})  # another subject: allowed
    OneTimeCode.objects.create(**{**duplicate, "purpose": "email"})  # another purpose: allowed
    OneTimeCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
    OneTimeCode.objects.create(**duplicate)  # the used one is no longer live


def test_an_attempt_is_reserved_in_the_database_before_comparing(db, monkeypatch):
    """A check running while another compares sees that attempt used: the two never exceed the limit."""
    _row, code = service.issue("caller", "caller-check:1")
    OneTimeCode.objects.update(attempts=2)  # one attempt left
    seen: list[str] = []
    compare = service.matches

    def racing_compare(row, typed):
        if not seen:
            seen.append(service.verify("caller", "caller-check:1", code).status)
        return compare(row, typed)

    monkeypatch.setattr(service, "matches", racing_compare)
    wrong = "000000" if code != "000000" else "111111"
    assert service.verify("caller", "caller-check:1", wrong).attempts_left == 0
    assert seen == [service.EXHAUSTED]
    assert OneTimeCode.objects.get().attempts == 3


@pytest.mark.skipif(not ON_POSTGRES, reason="the race needs a real concurrent database (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_never_exceed_the_attempts():
    """Eight simultaneous wrong guesses against a code with three attempts: three are compared, none more."""
    _row, code = service.issue("caller", "caller-check:1")
    wrong = "000000" if code != "000000" else "111111"
    barrier = threading.Barrier(8)
    verdicts: list[str] = []
    lock = threading.Lock()

    def guess() -> None:
        try:
            barrier.wait(timeout=10)
            status = service.verify("caller", "caller-check:1", wrong).status
        finally:
            connections.close_all()
        with lock:
            verdicts.append(status)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert verdicts.count(service.WRONG) == 3 and verdicts.count(service.EXHAUSTED) == 5
    assert OneTimeCode.objects.get().attempts == 3
    assert connection.vendor == "postgresql"
