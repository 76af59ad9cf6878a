"""Phone and e-mail confirmation codes: hashing, expiry, attempts, resend cooldown, rate limits, the e-mail link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from registration.codes import contact as codes
from registration.codes import sms
from registration.codes.models import CodePurpose, OneTimeCode
from registration.onboarding import steps as S

PHONE = "+79161234567"


def code_errors(response) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get("code", [])]


@pytest.fixture
def at_phone_code(wizard):
    wizard.run_until(S.PHONE_CODE)
    wizard.get(S.PHONE_CODE)
    return wizard


def test_codes_are_six_digits_and_stored_only_as_hashes(db):
    """The SMS carries 6 digits; the database holds a keyed hash, never the code."""
    sms.outbox.clear()
    assert codes.send_code(CodePurpose.PHONE, "draft-1", PHONE).code == codes.SENT
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    assert codes.check_code(CodePurpose.PHONE, "draft-2", PHONE, code).code == codes.NO_CODE  # bound to its owner
    assert codes.check_code(CodePurpose.PHONE, "draft-1", PHONE, code).ok
    assert codes.is_confirmed(CodePurpose.PHONE, "draft-1", PHONE)
    assert not codes.is_confirmed(CodePurpose.PHONE, "draft-1", "+79160000000")


def test_entering_the_step_sends_one_code_and_a_refresh_sends_none(at_phone_code):
    """Opening the phone step sends an SMS; reloading the page does not send another."""
    assert len(sms.outbox) == 1 and sms.outbox[0].to == PHONE
    page = at_phone_code.get(S.PHONE_CODE)
    assert page.status_code == 200 and len(sms.outbox) == 1
    assert page.context["code_state"].sent


def test_wrong_code_counts_attempts_and_the_sixth_try_is_refused(at_phone_code):
    """Five wrong tries use up the code: even the right code is refused afterwards."""
    right = at_phone_code.latest_sms_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in range(4, 0, -1):
        response = at_phone_code.post(S.PHONE_CODE, {"code": wrong})
        assert code_errors(response) == ["code_wrong"]
        assert response.context["form"].errors.as_data()["code"][0].params == {"left": left}
        assert OneTimeCode.objects.get().attempts == 5 - left
    response = at_phone_code.post(S.PHONE_CODE, {"code": wrong})
    assert code_errors(response) == ["code_too_many_attempts"]
    response = at_phone_code.post(S.PHONE_CODE, {"code": right})
    assert code_errors(response) == ["code_too_many_attempts"]


def test_malformed_or_missing_code_is_refused_without_using_an_attempt(at_phone_code):
    """Letters, a short code or nothing at all are refused by format and do not count as tries."""
    assert code_errors(at_phone_code.post(S.PHONE_CODE, {"code": "12ab56"})) == ["code_format"]
    assert code_errors(at_phone_code.post(S.PHONE_CODE, {"code": "123"})) == ["code_format"]
    assert code_errors(at_phone_code.post(S.PHONE_CODE, {"code": ""})) == ["code_required"]
    assert OneTimeCode.objects.get().attempts == 0


def test_an_expired_code_is_refused(at_phone_code):
    """After ten minutes the code no longer works."""
    code = at_phone_code.latest_sms_code()
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = at_phone_code.post(S.PHONE_CODE, {"code": code})
    assert code_errors(response) == ["code_expired"]
    assert "expired" in at_phone_code.get(S.PHONE_CODE).context["code_state"].__repr__()


def test_resend_waits_for_the_cooldown_and_the_new_code_replaces_the_old(at_phone_code):
    """Within 60 s a resend is refused with 429; afterwards a new code is sent and the old one stops working."""
    old = at_phone_code.latest_sms_code()
    response = at_phone_code.resend(S.PHONE_CODE)
    assert response.status_code == 429
    assert response.context["code_state"].resend_in > 0
    assert len(sms.outbox) == 1
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    response = at_phone_code.resend(S.PHONE_CODE)
    assert response.status_code == 200 and len(sms.outbox) == 2
    new = at_phone_code.latest_sms_code()
    if new != old:
        assert code_errors(at_phone_code.post(S.PHONE_CODE, {"code": old})) == ["code_wrong"]
    assert at_phone_code.post(S.PHONE_CODE, {"code": new}).status_code == 302


def test_at_most_five_sms_per_phone_per_hour(at_phone_code, settings):
    """The sixth SMS to one phone within an hour is refused with 429 and a clear message."""
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 0
    for _ in range(4):
        assert at_phone_code.resend(S.PHONE_CODE).status_code == 200
    assert len(sms.outbox) == 5
    response = at_phone_code.resend(S.PHONE_CODE)
    assert response.status_code == 429
    assert response.context["send_failed"] and len(sms.outbox) == 5


def test_per_address_limit_on_sms(wizard, settings):
    """Codes to several phones from one client address hit the per-IP limit (429)."""
    settings.REGISTRATION_RATE_LIMITS = {"send_sms_ip": "1/1h"}
    wizard.run_until(S.PHONE_CODE)
    assert wizard.get(S.PHONE_CODE).status_code == 200
    wizard.post(S.CONTACTS, {**wizard.answers[S.CONTACTS], "phone": "+998901234567"})
    response = wizard.get(S.PHONE_CODE)
    assert response.status_code == 429
    assert len(sms.outbox) == 1


def test_too_many_checks_from_one_address_answer_429(at_phone_code, settings):
    """Guessing codes quickly from one address is stopped with HTTP 429."""
    settings.REGISTRATION_RATE_LIMITS = {"verify_code_ip": "2/10m"}
    for _ in range(2):
        assert at_phone_code.post(S.PHONE_CODE, {"code": "000000"}).status_code == 200
    assert at_phone_code.post(S.PHONE_CODE, {"code": "000000"}).status_code == 429


def test_attempts_cannot_exceed_the_limit_even_when_checks_race(db):
    """The attempt is reserved in the database before comparing, so parallel guesses stay within five."""
    codes.send_code(CodePurpose.PHONE, "draft", PHONE)
    OneTimeCode.objects.update(attempts=4)
    assert codes.check_code(CodePurpose.PHONE, "draft", PHONE, "000000").code in (
        codes.TOO_MANY_ATTEMPTS,
        codes.CONFIRMED,
    )
    assert OneTimeCode.objects.get().attempts == 5
    assert codes.check_code(CodePurpose.PHONE, "draft", PHONE, "000000").code == codes.TOO_MANY_ATTEMPTS
    assert OneTimeCode.objects.get().attempts == 5


def test_gateway_failure_says_try_again_and_loses_nothing(at_phone_code, settings, monkeypatch):
    """When the SMS backend fails, the person is told to try again; the old code still works."""
    old = at_phone_code.latest_sms_code()
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))

    def broken(self, to, text):
        raise sms.SmsSendError("gateway down")

    monkeypatch.setattr(sms.MemoryBackend, "send", broken)
    response = at_phone_code.resend(S.PHONE_CODE)
    assert response.status_code == 200
    assert response.context["send_failed"]
    assert "Try again" in str(response.context["send_message"]) or response.context["send_message"]
    monkeypatch.undo()
    assert at_phone_code.post(S.PHONE_CODE, {"code": old}).status_code == 302


def test_email_link_confirms_in_another_browser(wizard):
    """Opening the e-mail's link on another device confirms the address; the wizard then passes without a code."""
    wizard.run_until(S.EMAIL_CODE)
    wizard.get(S.EMAIL_CODE)
    link = re.search(r"(/register/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    other = Client()
    page = other.get(link)
    assert page.status_code == 200 and page.context["outcome"] == "link_valid"
    assert not codes.is_confirmed(
        CodePurpose.EMAIL, OneTimeCode.objects.get(purpose="email").subject, "anna@example.org"
    )
    assert other.post(link).context["outcome"] == codes.CONFIRMED
    page = wizard.get(S.EMAIL_CODE)
    assert page.context["code_state"].confirmed
    assert wizard.post(S.EMAIL_CODE, {"code": ""}).status_code == 302


def test_a_newer_email_voids_the_older_link(wizard):
    """After "send again", the first e-mail's link no longer works."""
    wizard.run_until(S.EMAIL_CODE)
    wizard.get(S.EMAIL_CODE)
    first = re.search(r"(/register/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    wizard.resend(S.EMAIL_CODE)
    response = Client().post(first)
    assert response.status_code == 400 and response.context["outcome"] == "link_replaced"


def test_an_old_email_link_expires(wizard, settings):
    """A link older than REGISTRATION_EMAIL_LINK_MAX_AGE is refused as expired."""
    wizard.run_until(S.EMAIL_CODE)
    wizard.get(S.EMAIL_CODE)
    link = re.search(r"(/register/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    settings.REGISTRATION_EMAIL_LINK_MAX_AGE = -1
    assert Client().post(link).context["outcome"] == "link_expired"


def test_each_limit_is_a_setting(at_phone_code, settings):
    """The code's lifetime and attempts follow their settings."""
    settings.REGISTRATION_CODE_MAX_ATTEMPTS = 1
    right = at_phone_code.latest_sms_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert code_errors(at_phone_code.post(S.PHONE_CODE, {"code": wrong})) == ["code_too_many_attempts"]
    settings.REGISTRATION_CODE_TTL = 5
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 0
    at_phone_code.resend(S.PHONE_CODE)
    row = OneTimeCode.objects.live().get()  # the new code; the exhausted one was revoked
    assert (row.expires_at - row.created_at).total_seconds() == 5
