"""The multi-process proofs: real PostgreSQL, Redis and gunicorn app servers on loopback (scripts/stack.py).

They are slow (a stack takes a few seconds to start and each proof runs real registrations), so they
run only with ``PRODUCTION_PROOFS=1`` (``make proofs``; CI runs them after the test suite). Without
PostgreSQL's or Redis' binaries they are skipped with the reason, except when ``CI=true``, where a
missing binary fails them.
"""

from __future__ import annotations

import os

import pytest

from scripts.stack import Stack, missing_binaries

ENABLED = os.environ.get("PRODUCTION_PROOFS", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/production/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.production)
            if not ENABLED:
                item.add_marker(pytest.mark.skip(reason="production proofs run with PRODUCTION_PROOFS=1 (make proofs)"))


@pytest.fixture(scope="session")
def binaries():
    """PostgreSQL and Redis are installed; otherwise skip (or fail under CI=true)."""
    missing = missing_binaries()
    if missing:
        message = "the production proofs need " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def new_stack(**options) -> Stack:
    """A stack with the proofs' settings: no captcha, clients identified by X-Forwarded-For."""
    env = {
        "REGISTRATION_CAPTCHA": "false",
        "REGISTRATION_TRUSTED_PROXY_COUNT": "1",
        # The race sends ten e-mail codes to one address (5 an hour by default).
        "REGISTRATION_RATE_LIMITS": "send_email=50/1h",
        **options.pop("extra_env", {}),
    }
    return Stack(extra_env=env, **options)


@pytest.fixture(scope="module")
def stack(binaries):
    """PostgreSQL, Redis, the SMS and SMTP stand-ins, and two gunicorn app servers sharing them."""
    stack = new_stack(pg_port=54343, redis_port=6393)
    try:
        stack.start(app_servers=2)
        yield stack
    finally:
        stack.stop()
