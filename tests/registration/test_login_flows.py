"""Log-in: lockout after failures, the optional SMS code, password reset by e-mail link, log-out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from registration.accounts import second_factor as services
from registration.accounts.models import AuditEvent
from registration.cabinet import second_factor as login_flow
from registration.codes import sms
from registration.codes.models import OneTimeCode

LOGIN = reverse("registration:login")
CODE = reverse("registration:login_code")
PASSWORD = "Correct-Horse-42"


@pytest.fixture
def person(make_account):
    return make_account("person@example.org", phone="+79161234567")


def attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_account_for_a_while(client, person):
    """After five wrong passwords even the right one is refused with a clear lockout page (429)."""
    for _ in range(4):
        assert attempt(client, "person@example.org", "wrong").status_code == 200
    assert attempt(client, "person@example.org", "wrong").status_code == 429  # the fifth failure locks
    response = attempt(client, "person@example.org", PASSWORD)
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert reverse("registration:password_reset") in response.content.decode()
    assert SESSION_KEY not in client.session


def test_phone_and_email_count_as_one_account(client, person):
    """Switching between e-mail and phone does not reset the failure count."""
    for username in ("person@example.org", "+7 916 123-45-67", "PERSON@example.org", "+79161234567"):
        attempt(client, username, "wrong")
    assert {a.username for a in AccessAttempt.objects.all()} == {"person@example.org"}
    attempt(client, "+79161234567", "wrong")
    assert attempt(client, "person@example.org", PASSWORD).status_code == 429


def test_lockout_expires_after_the_cool_off(client, person, settings):
    """Once the cool-off time has passed, the right password works again."""
    for _ in range(5):
        attempt(client, "person@example.org", "wrong")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    response = attempt(client, "person@example.org", PASSWORD)
    assert response.status_code == 302


def test_lockouts_are_visible_to_clerks_in_the_admin(client, person, make_account):
    """The failed attempts appear in django-axes' admin pages."""
    for _ in range(5):
        attempt(client, "person@example.org", "wrong")
    admin = make_account("admin@example.org", phone=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert "person@example.org" in page.content.decode()


def test_second_factor_asks_for_an_sms_code(client, person):
    """With the SMS code on, the password alone does not log in; the code from the SMS does."""
    services.set_second_factor(person, True)
    sms.outbox.clear()
    response = attempt(client, "person@example.org", PASSWORD)
    assert response["Location"] == CODE
    assert SESSION_KEY not in client.session
    assert sms.outbox[-1].to == "+79161234567"
    page = client.get(CODE)
    assert page.status_code == 200 and "+7916***4567" in page.content.decode()
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    response = client.post(CODE, {"code": code})
    assert response["Location"] == reverse("registration:cabinet")
    assert int(client.session[SESSION_KEY]) == person.pk
    assert not OneTimeCode.objects.exists()


def test_second_factor_code_page_needs_a_recent_password(client, person, settings):
    """Without a password just typed, the code page sends the person back to log in."""
    assert client.get(CODE)["Location"] == LOGIN
    services.set_second_factor(person, True)
    attempt(client, "person@example.org", PASSWORD)
    settings.REGISTRATION_LOGIN_CODE_MAX_AGE = -1
    assert client.get(CODE)["Location"] == LOGIN


def test_second_factor_does_not_follow_foreign_redirects(client, person):
    """A ``next`` pointing to another site is replaced by the cabinet."""
    services.set_second_factor(person, True)
    sms.outbox.clear()
    client.post(LOGIN + "?next=https://evil.example/", {"username": "person@example.org", "password": PASSWORD})
    state = client.session[login_flow.SESSION_KEY]
    assert "evil" not in state["next"]
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert client.post(CODE, {"code": code})["Location"] == reverse("registration:cabinet")


def test_second_factor_resend_respects_the_cooldown(client, person):
    """Asking for a new log-in code within 60 s is refused with 429."""
    services.set_second_factor(person, True)
    attempt(client, "person@example.org", PASSWORD)
    assert client.post(CODE, {"resend": "1"}).status_code == 429


def test_password_reset_by_email_link(client, person):
    """The reset e-mail carries a link; the new password works and the old one does not."""
    response = client.post(reverse("registration:password_reset"), {"email": "PERSON@example.org"})
    assert response["Location"] == reverse("registration:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    assert mail.outbox[0].alternatives
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "New-Horse-2024x", "new_password2": "New-Horse-2024x"})
    assert response["Location"] == reverse("registration:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password("New-Horse-2024x") and not person.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="login.password_reset", account=person).exists()
    assert not client.get(link, follow=True).context["validlink"]  # the link works once


def test_password_reset_rules_apply(client, person):
    """The new password must follow the portal's rule."""
    client.post(reverse("registration:password_reset"), {"email": "person@example.org"})
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "lowercase123", "new_password2": "lowercase123"})
    codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert "password_no_upper" in codes


def test_password_reset_reveals_nothing_about_unknown_addresses(client, db):
    """An unknown address gets the same page and no e-mail."""
    response = client.post(reverse("registration:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("registration:password_reset_done")
    assert mail.outbox == []


def test_password_reset_is_rate_limited(client, person, settings):
    """Past the per-address limit no more e-mails go out; past the per-client limit the answer is 429."""
    settings.REGISTRATION_RATE_LIMITS = {"password_reset_email": "1/1h", "password_reset_ip": "3/1h"}
    for _ in range(3):
        client.post(reverse("registration:password_reset"), {"email": "person@example.org"})
    assert len(mail.outbox) == 1
    assert client.post(reverse("registration:password_reset"), {"email": "person@example.org"}).status_code == 429


def test_logout_ends_the_session(client, person):
    """Logging out (a POST) removes the authentication."""
    client.force_login(person)
    client.post(reverse("registration:logout"))
    assert SESSION_KEY not in client.session


def test_login_page_links_to_reset_and_registration(client, db):
    """The log-in page offers password reset and registration."""
    html = client.get(LOGIN).content.decode()
    assert reverse("registration:password_reset") in html and reverse("registration:start") in html


def test_login_pages_stay_within_query_budgets(client, person, django_assert_max_num_queries):
    """Log-in and the code page run a bounded number of queries."""
    with django_assert_max_num_queries(3):
        client.get(LOGIN)
    with django_assert_max_num_queries(20):  # django-axes' bookkeeping included
        attempt(client, "person@example.org", PASSWORD)


def test_five_failures_from_one_address_lock_the_address(client, person):
    """Wrong passwords for different accounts from one client address lock that address too."""
    for n in range(5):
        attempt(client, f"someone{n}@example.org", "wrong")
    assert attempt(client, "person@example.org", PASSWORD).status_code == 429
