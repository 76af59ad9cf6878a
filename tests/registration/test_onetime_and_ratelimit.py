"""Shared one-time code primitives and rate limits."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from registration.codes import onetime
from registration.core import ratelimit


def test_codes_have_the_requested_shape():
    """Numeric codes are digits; letter codes use Crockford's alphabet only."""
    assert len(onetime.generate_digits(6)) == 6 and onetime.generate_digits(6).isdigit()
    code = onetime.generate_crockford(10)
    assert len(code) == 10 and set(code) <= set(onetime.CROCKFORD_ALPHABET)
    assert not set("ILOU") & set(onetime.CROCKFORD_ALPHABET)


def test_hash_is_bound_to_purpose_and_subject():
    """A code hashed for one purpose or subject does not match another."""
    stored = onetime.hash_code("123456", purpose="sms", subject="+79161234567")
    assert "123456" not in stored
    assert onetime.matches("123456", stored, purpose="sms", subject="+79161234567")
    assert not onetime.matches("123457", stored, purpose="sms", subject="+79161234567")
    assert not onetime.matches("123456", stored, purpose="email", subject="+79161234567")
    assert not onetime.matches("123456", stored, purpose="sms", subject="+79160000000")
    assert not onetime.matches("123456", "", purpose="sms", subject="+79161234567")


def test_typed_letter_codes_are_forgiving():
    """Lower case, dashes, spaces and look-alike letters are read as the issued code."""
    stored = onetime.hash_code("0A1B2C3D4E", purpose="post")
    assert onetime.matches("oa1b-2c3d 4e", stored, purpose="post")
    assert onetime.matches("0AIB2C3D4E", stored, purpose="post")


@pytest.mark.parametrize(("text", "count", "seconds"), [("5/1h", 5, 3600), ("3/10m", 3, 600), ("1/60s", 1, 60)])
def test_parse_rates(text, count, seconds):
    """Rates read as count per period."""
    assert ratelimit.parse(text) == ratelimit.Rate(count, seconds)


def test_parse_refuses_nonsense():
    """A malformed rate is a configuration error."""
    with pytest.raises(ValueError):
        ratelimit.parse("five per hour")


def test_limit_counts_per_key(settings):
    """The n+1-th hit within the window is refused; another key has its own budget."""
    settings.REGISTRATION_RATE_LIMITS = {"send_sms_phone": "2/1h"}
    assert ratelimit.hit("send_sms_phone", "+79161234567")
    assert ratelimit.is_allowed("send_sms_phone", "+79161234567")
    assert ratelimit.hit("send_sms_phone", "+79161234567")
    assert not ratelimit.is_allowed("send_sms_phone", "+79161234567")
    assert not ratelimit.hit("send_sms_phone", "+79161234567")
    assert ratelimit.hit("send_sms_phone", "+79169999999")
    ratelimit.reset("send_sms_phone", "+79161234567")
    assert ratelimit.hit("send_sms_phone", "+79161234567")


@pytest.mark.django_db
def test_decorator_answers_429(settings):
    """A view past its limit answers 429 with the site's page; GETs are not counted."""
    settings.REGISTRATION_RATE_LIMITS = {"support_request": "1/1d"}

    @ratelimit.limit("support_request")
    def view(request):
        return HttpResponse("ok")

    rf = RequestFactory()
    assert view(rf.get("/", REMOTE_ADDR="198.51.100.1")).status_code == 200
    assert view(rf.post("/", REMOTE_ADDR="198.51.100.1")).status_code == 200
    assert view(rf.post("/", REMOTE_ADDR="198.51.100.1")).status_code == 429
    assert view(rf.post("/", REMOTE_ADDR="198.51.100.2")).status_code == 200


def test_codes_survive_a_secret_key_rotation_while_the_old_key_is_a_fallback(settings):
    """Rotating SECRET_KEY with the old one in SECRET_KEY_FALLBACKS keeps issued codes valid; dropping it ends them."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-secret-" + "x" * 40, []
    stored = onetime.hash_code("123456", purpose="phone", subject="+79161234567")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret-" + "y" * 40, ["old-secret-" + "x" * 40]
    assert onetime.matches("123456", stored, purpose="phone", subject="+79161234567")
    assert not onetime.matches("654321", stored, purpose="phone", subject="+79161234567")
    assert onetime.hash_code("123456", purpose="phone", subject="+79161234567") != stored  # new hashes, new key
    settings.SECRET_KEY_FALLBACKS = []
    assert not onetime.matches("123456", stored, purpose="phone", subject="+79161234567")


@pytest.mark.django_db
def test_identity_codes_are_found_after_a_secret_key_rotation(settings):
    """A consulate code issued before the rotation is found by its subject and accepted afterwards."""
    from datetime import timedelta

    from registration.identity import codes
    from registration.identity.base import IdentityError

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-secret-" + "x" * 40, []
    _, code = codes.issue("consulate", "C10000005", validity=timedelta(days=1), max_attempts=3)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret-" + "y" * 40, ["old-secret-" + "x" * 40]
    assert codes.verify("consulate", "C10000005", code).used_at is not None
    _, second = codes.issue("consulate", "C10000005", validity=timedelta(days=1), max_attempts=3)
    settings.SECRET_KEY_FALLBACKS = []
    assert codes.verify("consulate", "C10000005", second).used_at is not None  # issued under the new key
    _, third = codes.issue("consulate", "C20000006", validity=timedelta(days=1), max_attempts=3)
    settings.SECRET_KEY = "newest-secret-" + "z" * 40
    with pytest.raises(IdentityError) as raised:
        codes.verify("consulate", "C20000006", third)
    assert raised.value.code == "no_code"
