"""Past the failure limit an account asks for a one-time code after the password instead of refusing everyone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from registration.accounts import login as lockout
from registration.codes import sms

LOGIN = reverse("registration:login")
CODE = reverse("registration:login_code")
PASSWORD = "Correct-Horse-42"
VICTIM = "victim@example.org"


@pytest.fixture
def victim(make_account):
    return make_account(VICTIM, phone="+79161112233")


def guess_from_many_addresses(client, username: str, times: int = 5) -> None:
    """Wrong passwords, each from another address, so that no address is locked."""
    for n in range(times):
        response = client.post(LOGIN, {"username": username, "password": "guess"}, REMOTE_ADDR=f"203.0.113.{n + 1}")
        assert response.status_code == 200


def sms_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_an_attacker_cannot_keep_the_person_out(client, victim):
    """After five failures from anywhere, the person's right password plus the SMS code still logs them in."""
    guess_from_many_addresses(client, VICTIM)
    assert lockout.needs_step_up(victim)
    sms.outbox.clear()
    response = client.post(LOGIN, {"username": VICTIM, "password": PASSWORD}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == CODE
    assert SESSION_KEY not in client.session  # the password alone is not enough any more
    assert sms.outbox[-1].to == "+79161112233"
    response = client.post(CODE, {"code": sms_code()}, REMOTE_ADDR="198.51.100.20")
    assert response["Location"] == reverse("registration:cabinet")
    assert int(client.session[SESSION_KEY]) == victim.pk
    assert not lockout.needs_step_up(victim)  # the person's log-in forgot the failures against the account


def test_without_the_code_the_attacker_stays_out(client, victim, settings):
    """Someone with the password but not the phone gets a few tries at the code and no session."""
    guess_from_many_addresses(client, VICTIM)
    client.post(LOGIN, {"username": VICTIM, "password": PASSWORD}, REMOTE_ADDR="198.51.100.30")
    code = sms_code()
    for _ in range(settings.REGISTRATION_CODE_MAX_ATTEMPTS):
        client.post(CODE, {"code": f"{(int(code) + 1) % 1_000_000:06d}"}, REMOTE_ADDR="198.51.100.30")
    response = client.post(CODE, {"code": code}, REMOTE_ADDR="198.51.100.30")
    assert response.status_code == 200 and response.context["form"].errors["code"]  # the code is spent
    assert SESSION_KEY not in client.session


def test_step_up_code_goes_by_email_without_a_phone(client, make_account):
    """An account without a phone gets its step-up code by e-mail."""
    account = make_account("clerk.without.phone@example.org", phone=None)
    guess_from_many_addresses(client, account.email)
    mail.outbox.clear()
    response = client.post(LOGIN, {"username": account.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.40")
    assert response["Location"] == CODE
    assert mail.outbox[-1].to == [account.email]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post(CODE, {"code": code}, REMOTE_ADDR="198.51.100.40")["Location"] == reverse("registration:cabinet")


def test_below_the_limit_the_password_alone_logs_in(client, victim):
    """Four failures are not enough to ask for a code."""
    guess_from_many_addresses(client, VICTIM, times=4)
    response = client.post(LOGIN, {"username": VICTIM, "password": PASSWORD}, REMOTE_ADDR="198.51.100.50")
    assert response["Location"] == reverse("registration:cabinet")
