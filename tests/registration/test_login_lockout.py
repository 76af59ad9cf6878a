"""The log-in lockout (of an address, and the step-up of an account) cannot be reset by an attacker's own
successful log-in or new registration."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

LOGIN = reverse("registration:login")
LOGOUT = reverse("registration:logout")
PASSWORD = "Correct-Horse-42"
VICTIM = "victim@example.org"


@pytest.fixture
def victim(make_account):
    return make_account(VICTIM, phone="+79161112233")


@pytest.fixture
def attacker(make_account):
    return make_account("attacker@example.org", phone="+79164445566")


def attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def own_log_in(client, account) -> None:
    """The attacker logs into their own account from the same address, then out again."""
    assert attempt(client, account.email, PASSWORD).status_code == 302
    assert SESSION_KEY in client.session
    client.post(LOGOUT)


def test_own_log_in_between_guesses_does_not_reset_the_victims_count(client, victim, attacker):
    """Four guesses, a log-in to one's own account, one more guess: the victim's account is locked."""
    for _ in range(4):
        assert attempt(client, VICTIM, "guess").status_code == 200
    own_log_in(client, attacker)
    assert attempt(client, VICTIM, "guess").status_code == 429
    assert attempt(client, VICTIM, PASSWORD).status_code == 429


def test_guesses_from_two_addresses_add_up_despite_own_log_ins(client, victim, attacker):
    """Guesses spread over two addresses, each followed by an own log-in there, still put the victim's
    account under step-up: the right password alone no longer logs into it."""
    for n in range(5):
        address = f"198.51.100.{n % 2 + 1}"
        guess = client.post(LOGIN, {"username": VICTIM, "password": "guess"}, REMOTE_ADDR=address)
        assert guess.status_code == 200
        own = client.post(LOGIN, {"username": attacker.email, "password": PASSWORD}, REMOTE_ADDR=address)
        assert own.status_code == 302  # neither address is locked: 3 and 2 failures
        client.post(LOGOUT)
    response = client.post(LOGIN, {"username": VICTIM, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response["Location"] == reverse("registration:login_code")
    assert SESSION_KEY not in client.session


def test_registering_between_guesses_does_not_reset_the_victims_count(client, victim, wizard):
    """The wizard logs the new person in; that does not reset the failures against someone else's account."""
    for _ in range(4):
        assert attempt(client, VICTIM, "guess").status_code == 200
    response = wizard.run_all()
    assert response.status_code == 302
    assert SESSION_KEY in client.session  # the new person is logged in
    client.post(LOGOUT)
    assert attempt(client, VICTIM, "guess").status_code == 429
    assert attempt(client, VICTIM, PASSWORD).status_code == 429


def test_own_log_in_does_not_reset_the_address_count(client, victim, attacker):
    """Guesses at many accounts from one address are not forgiven by a log-in to one's own account."""
    for n in range(4):
        assert attempt(client, f"someone{n}@example.org", "guess").status_code == 200
    own_log_in(client, attacker)
    assert attempt(client, "someone4@example.org", "guess").status_code == 429
    assert attempt(client, VICTIM, PASSWORD).status_code == 429


def test_a_successful_log_in_still_forgets_the_persons_own_mistakes(client, victim):
    """Someone who mistyped their own password four times and then got it right starts afresh."""
    for _ in range(4):
        assert attempt(client, VICTIM, "typo").status_code == 200
    assert attempt(client, VICTIM, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=VICTIM).exists()
    client.post(LOGOUT)
    for _ in range(4):
        assert attempt(client, VICTIM, "typo").status_code == 200
    assert attempt(client, "+7 916 111-22-33", PASSWORD).status_code == 302  # by phone: the same account
    assert not AccessAttempt.objects.exists()


def test_reset_on_success_is_refused_by_a_system_check(settings):
    """Turning django-axes' reset on success back on fails the system check."""
    from registration.core.checks import lockout_survives_other_log_ins

    assert lockout_survives_other_log_ins() == []
    settings.AXES_RESET_ON_SUCCESS = True
    assert [e.id for e in lockout_survives_other_log_ins()] == ["registration.E004"]
