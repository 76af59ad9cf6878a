"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_account(db):
    """Create an account; defaults give a pending applicant with a phone."""
    from registration.models import Account

    counter = {"n": 0}

    def factory(email: str | None = None, password: str = "Correct-Horse-42", **extra):
        counter["n"] += 1
        n = counter["n"]
        extra.setdefault("phone", f"+7916{n:07d}")
        return Account.objects.create_user(email or f"person{n}@example.org", password, **extra)

    return factory


@pytest.fixture
def clerk(make_account):
    """A staff account without special permissions."""
    return make_account("clerk@example.org", is_staff=True, phone=None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and other cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
