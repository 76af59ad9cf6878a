"""Rate limits declared as data: parsing, counting, the 429 answer."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from registration.core import ratelimit


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


def test_no_double_burst_at_a_window_edge(settings, monkeypatch):
    """A full burst just before a window's edge leaves no new burst just after it (a sliding window)."""
    settings.REGISTRATION_RATE_LIMITS = {"login_ip": "5/1m"}
    now = [60 * 1000 + 59.5]  # half a second before a minute's edge
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert all(ratelimit.hit("login_ip", "198.51.100.7") for _ in range(5))
    now[0] += 1.0  # half a second after the edge
    assert not ratelimit.hit("login_ip", "198.51.100.7")
    now[0] += 60.0  # a whole window later the budget is back
    assert ratelimit.hit("login_ip", "198.51.100.7")


def test_cache_keys_are_keyed_hashes_of_the_phone(settings):
    """The cache key of a phone number neither contains it nor is its bare SHA-256, and depends on the secret."""
    import hashlib

    phone = "+79161234567"
    key = ratelimit.cache_key("send_sms_phone", phone, 1)
    assert phone not in key and phone[1:] not in key
    for plain in (phone.encode(), b"send_sms_phone\x00" + phone.encode()):
        assert hashlib.sha256(plain).hexdigest()[:32] not in key
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert ratelimit.cache_key("send_sms_phone", phone, 1) != key
