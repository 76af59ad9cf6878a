"""No account enumeration: the contacts step answers alike for registered and new contacts."""

from __future__ import annotations

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration.accounts.models import Account
from registration.codes import sms
from registration.onboarding import steps as S
from tests.conftest import WizardDriver


def _post_contacts(driver: WizardDriver):
    driver.run_until(S.CONTACTS)
    with CaptureQueriesContext(connection) as queries:
        response = driver.post(S.CONTACTS)
    return response, len(queries)


def test_the_contacts_step_answers_alike_for_registered_and_new_contacts(client, wizard, scan_bytes, make_account):
    """A registered e-mail and phone get the same redirect to the phone code, with the same queries, as new ones."""
    make_account("Anna@Example.org", phone="+79161234567")
    taken, taken_queries = _post_contacts(wizard)
    fresh = WizardDriver(Client(), scan_bytes)
    fresh.answers[S.CONTACTS] = {"email": "new@example.org", "phone": "+79167654321"}
    new, new_queries = _post_contacts(fresh)
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken["Location"] == wizard.url(S.PHONE_CODE)
    assert taken_queries == new_queries
    assert wizard.get(S.PHONE_CODE).status_code == 200 and "already" not in wizard.get(S.PHONE_CODE).content.decode()


def test_a_registered_email_is_told_only_after_its_code_and_its_owner_is_told(wizard, make_account):
    """After the e-mail's code the person learns the account exists (with log-in and reset links); its owner is told."""
    owner = make_account("Anna@Example.org", phone="+79160000001", preferred_language="en")
    wizard.run_until(S.EMAIL_CODE)
    assert not any("tried to register" in message.subject for message in mail.outbox)
    confirmed = wizard.answer(S.EMAIL_CODE)
    assert confirmed.status_code == 302
    page = wizard.get(S.PERSONAL)
    html = page.content.decode()
    assert page.status_code == 200 and "onboarding/account_exists.html" in [t.name for t in page.templates]
    assert reverse("registration:login") in html and reverse("registration:password_reset") in html
    told = [message for message in mail.outbox if "tried to register" in message.subject]
    assert [message.to for message in told] == [[owner.email]]
    wizard.get(S.PERSONAL)  # told once per draft, however often the page is opened
    assert len([message for message in mail.outbox if "tried to register" in message.subject]) == 1
    refused = wizard.post(S.PERSONAL)
    assert "onboarding/account_exists.html" in [t.name for t in refused.templates]
    assert Account.objects.count() == 1


def test_a_registered_phone_is_told_after_its_code_before_any_e_mail_code(wizard, make_account):
    """After the phone's code the person learns the account exists; the owner gets an SMS and no e-mail code is sent."""
    make_account("someone@example.org", phone="+79161234567", preferred_language="en")
    wizard.run_until(S.PHONE_CODE)
    assert wizard.answer(S.PHONE_CODE).status_code == 302
    page = wizard.get(S.EMAIL_CODE)
    assert "onboarding/account_exists.html" in [t.name for t in page.templates]
    assert "tried to register" in sms.outbox[-1].text and sms.outbox[-1].to == "+79161234567"
    assert not mail.outbox


def test_the_contacts_step_is_rate_limited_per_client_address(wizard, settings):
    """Past the declared limit, posting the contacts step answers 429."""
    settings.REGISTRATION_RATE_LIMITS = {"wizard_contacts_ip": "2/1h"}
    wizard.run_until(S.CONTACTS)
    assert wizard.post(S.CONTACTS).status_code == 302
    assert wizard.post(S.CONTACTS).status_code == 302
    assert wizard.post(S.CONTACTS).status_code == 429
