"""The ``login_ip`` rate limit: log-in attempts per client address, past which the page answers 429."""

from __future__ import annotations

import pytest
from django.urls import reverse

LOGIN = reverse("registration:login")


@pytest.mark.django_db
def test_login_attempts_per_client_address_answer_429(client, settings):
    """Past ``login_ip`` attempts from one address the log-in answers 429; another address still may try."""
    settings.REGISTRATION_RATE_LIMITS = {"login_ip": "3/10m"}
    settings.AXES_FAILURE_LIMIT = 100  # the limit under test, not the address lockout
    for n in range(3):
        guess = {"username": f"nobody{n}@example.org", "password": "x"}
        assert client.post(LOGIN, guess, REMOTE_ADDR="198.51.100.4").status_code == 200
    response = client.post(LOGIN, {"username": "nobody9@example.org", "password": "x"}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 429
    assert client.get(LOGIN, REMOTE_ADDR="198.51.100.4").status_code == 200  # reading the page is not an attempt
    other = client.post(LOGIN, {"username": "nobody9@example.org", "password": "x"}, REMOTE_ADDR="198.51.100.5")
    assert other.status_code == 200
