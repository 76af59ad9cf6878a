"""Server-error e-mails (AdminEmailHandler) carry no personal data from the POST, the session or the user."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.utils.log import AdminEmailHandler

from registration.core.reporting import mask
from registration.onboarding import forms

SNILS, INN, PASSPORT = "11223344595", "500100732259", "FA1234567"
EMAIL, PHONE = "anna@example.org", "+79161234567"


def mailed_text(message) -> str:
    parts = [message.subject, message.body]
    parts.extend(str(content) for content, _mime in getattr(message, "alternatives", []))
    return "\n".join(parts)


@pytest.fixture
def failing_identifiers(monkeypatch):
    """The identifiers step fails after validation, the way a database error with the values would."""

    def broken_clean(self):
        data = super(forms.IdentifiersForm, self).clean()
        snils, inn = self.data.get("identifiers-snils"), self.data.get("identifiers-inn")
        raise RuntimeError(f"duplicate key value: Key (snils, inn, email)=({snils}, {inn}, {EMAIL}) for {data}")

    monkeypatch.setattr(forms.IdentifiersForm, "clean", broken_clean)


def test_a_500_on_the_identifiers_step_mails_no_personal_data(wizard, settings, failing_identifiers):
    """The mailed report of a failed identifiers step shows no SNILS, INN, passport, e-mail or phone."""
    assert any(isinstance(handler, AdminEmailHandler) for handler in logging.getLogger("django").handlers)
    settings.ADMINS = [("Operations", "ops@example.org")]
    wizard.run_until("identifiers")
    assert wizard.client.session["wizard_registration_wizard"]["step_data"]["contacts"]
    wizard.client.raise_request_exception = False
    mail.outbox.clear()
    response = wizard.post("identifiers", {"snils": SNILS, "inn": INN}, query=f"?email={EMAIL}")
    assert response.status_code == 500
    (report,) = mail.outbox
    text = mailed_text(report)
    assert "RuntimeError" in text and "broken_clean" in text  # still a useful report
    for secret in (SNILS, INN, PASSPORT, EMAIL, PHONE, PHONE[1:], "112-233-445"):
        assert secret not in text, secret


def test_a_logged_in_person_is_named_by_account_number(client, make_account, settings, monkeypatch):
    """The report names the user by account number, not by the e-mail address that is the account's name."""
    from registration.cabinet import views

    settings.ADMINS = [("Operations", "ops@example.org")]
    account = make_account(EMAIL, phone=PHONE)
    client.force_login(account)

    def broken(*args, **kwargs):
        raise RuntimeError("cabinet failed")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False
    mail.outbox.clear()
    assert client.get("/account/").status_code == 500
    text = mailed_text(mail.outbox[-1])
    assert f"account {account.pk}" in text and EMAIL not in text and PHONE not in text


def test_mask_hides_addresses_and_numbers_but_not_words():
    """Masking the exception message keeps its words and removes e-mail addresses and digit runs."""
    assert mask(f"Key (email)=({EMAIL}) exists; SNILS 112-233-445 95; {PASSPORT}") == (
        "Key (email)=(***) exists; SNILS ***; ***"
    )
