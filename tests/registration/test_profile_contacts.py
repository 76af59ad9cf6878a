"""Changing the e-mail address or phone from the cabinet: a code to the new contact, then the switch."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from registration.accounts.models import Account, AuditEvent
from registration.codes import sms
from registration.codes.models import OneTimeCode
from tests.registration.identity_fixtures import make_applicant

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def person(make_applicant, client):
    """A logged-in applicant; the mail and SMS outboxes start empty."""
    applicant = make_applicant("anna@example.org", phone="+79161110000")
    client.force_login(applicant.account)
    mail.outbox.clear()
    sms.outbox.clear()
    yield applicant.account
    sms.outbox.clear()


def start(client, kind: str, address: str, password: str = PASSWORD):
    return client.post(reverse("registration:profile_contact", args=[kind]), {"address": address, "password": password})


def type_code(client, kind: str, code: str):
    return client.post(reverse("registration:profile_contact_code", args=[kind]), {"code": code})


def test_new_email_replaces_the_old_one_only_after_its_code(client, person):
    """The code goes to the new address; until it is typed nothing changes; then the old address is told."""
    response = start(client, "email", "Anna.New@Example.org")
    assert response.status_code == 302 and response["Location"].endswith("/contact/email/code/")
    assert mail.outbox[-1].to == ["anna.new@example.org"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    assert Account.objects.get(pk=person.pk).email == "anna@example.org"
    assert client.get(reverse("registration:profile")).status_code == 200

    response = type_code(client, "email", code)
    assert response.status_code == 302 and response["Location"] == reverse("registration:profile")
    assert Account.objects.get(pk=person.pk).email == "anna.new@example.org"
    told = mail.outbox[-1]
    assert told.to == ["anna@example.org"] and "a***@example.org" in told.body and "anna.new" not in told.body
    assert not OneTimeCode.objects.filter(subject=f"profile:{person.pk}").exists()
    actions = list(AuditEvent.objects.filter(account=person).values_list("action", flat=True))
    assert "profile.contact_change_started" in actions and "profile.email_changed" in actions
    for event in AuditEvent.objects.filter(account=person, action__startswith="profile."):
        assert "example.org" not in str(event.data)


def test_a_wrong_code_changes_nothing(client, person):
    """A wrong code is refused with its code and tries left; the address stays."""
    start(client, "email", "new@example.org")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = type_code(client, "email", wrong)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["code"][0].code == "code_wrong"
    assert Account.objects.get(pk=person.pk).email == "anna@example.org"


def test_new_phone_by_text_message_and_the_email_is_told(client, person):
    """A phone change is confirmed by an SMS to the new number; the account's e-mail hears of it."""
    assert start(client, "phone", "+79162223344").status_code == 302
    assert sms.outbox[-1].to == "+79162223344"
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert type_code(client, "phone", code).status_code == 302
    assert Account.objects.get(pk=person.pk).phone == "+79162223344"
    told = mail.outbox[-1]
    assert told.to == ["anna@example.org"] and "+7916***3344" in told.body and "+7916***0000" in told.body
    assert AuditEvent.objects.filter(account=person, action="profile.phone_changed").exists()


@pytest.mark.parametrize(
    ("kind", "address", "password", "field", "code"),
    [
        ("email", "new@example.org", "wrong-password", "password", "password_wrong"),
        ("email", "anna@example.org", PASSWORD, "address", "same_address"),
        ("email", "taken@example.org", PASSWORD, "address", "email_taken"),
        ("phone", "+79161110000", PASSWORD, "address", "same_address"),
        ("phone", "+79165556677", PASSWORD, "address", "phone_taken"),
        ("phone", "12345", PASSWORD, "address", None),
    ],
)
def test_contact_change_refusals(client, person, make_account, kind, address, password, field, code):
    """A wrong password, the same contact or one of another account is refused and no code is sent."""
    make_account("taken@example.org", phone="+79165556677")
    response = start(client, kind, address, password)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert field in errors
    if code:
        assert errors[field][0].code == code
    assert not mail.outbox and not sms.outbox


@pytest.mark.parametrize("kind", ["email", "phone"])
def test_empty_new_contact_gets_its_own_message(client, person, kind):
    """An empty new address or phone is asked for by name, not with Django's generic "required"."""
    from django import forms

    from registration.cabinet.profile.forms import CONTACT_FORMS

    response = client.post(
        reverse("registration:profile_contact", args=[kind]),
        {"address": "", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["address"][0]
    assert error.code == "required"
    message = response.context["form"].errors["address"][0]
    assert message == str(CONTACT_FORMS[kind].base_fields["address"].error_messages["required"])
    assert message != str(forms.Field.default_error_messages["required"])
    assert not mail.outbox and not sms.outbox


def test_cancel_and_resend(client, person, settings):
    """The person may ask for the code again after the cool-down, or cancel the change."""
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 0
    start(client, "email", "new@example.org")
    url = reverse("registration:profile_contact_code", args=["email"])
    assert client.post(url, {"resend": "1"}).status_code == 200
    assert len([m for m in mail.outbox if m.to == ["new@example.org"]]) == 2
    assert client.post(url, {"cancel": "1"}).status_code == 302
    assert not OneTimeCode.objects.filter(subject=f"profile:{person.pk}").exists()
    assert AuditEvent.objects.get(action="profile.contact_change_cancelled").data == {"contact": "email"}
    assert client.get(url)["Location"] == reverse("registration:profile_contact", args=["email"])


def test_an_address_taken_meanwhile_is_not_applied(client, person, make_account):
    """If another account took the address between the code and its use, the change is refused."""
    start(client, "email", "race@example.org")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    make_account("race@example.org")
    response = type_code(client, "email", code)
    assert response.status_code == 302
    assert Account.objects.get(pk=person.pk).email == "anna@example.org"
    assert not OneTimeCode.objects.filter(subject=f"profile:{person.pk}").exists()


def test_contact_changes_are_rate_limited(client, person, settings):
    """Past the per-account limit (each try of the password counts) the page answers 429."""
    settings.REGISTRATION_RATE_LIMITS = {"profile_contact": "2/1h"}
    assert start(client, "email", "a@example.org", "bad").status_code == 200
    assert start(client, "email", "a@example.org", "bad").status_code == 200
    assert start(client, "email", "a@example.org").status_code == 429


def test_blocked_account_cannot_change_contacts(client, person):
    """A blocked account is sent back to its status page."""
    from registration.accounts import status

    status.block(person, by=None, reason="Fraud suspected")
    response = start(client, "email", "new@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")
    assert not mail.outbox


def test_profile_pages_need_log_in(client, db):
    """An anonymous visitor is sent to the log-in page."""
    for name, args in (("profile", []), ("profile_contact", ["email"]), ("profile_personal", [])):
        response = client.get(reverse(f"registration:{name}", args=args))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_contact_kind_is_not_found(client, person):
    """Only e-mail and phone can be changed here."""
    assert client.get(reverse("registration:profile_contact", args=["fax"])).status_code == 404
