"""Sensitive cabinet changes ask for the password again; the support thread masks the e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.accounts import second_factor
from registration.accounts.models import Applicant
from registration.support.models import SupportRequest
from tests.registration.identity_fixtures import make_applicant, role_user  # noqa: F401

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def person(make_applicant, client):  # noqa: F811
    applicant = make_applicant("anna.eriksson@example.org")
    client.force_login(applicant.account)
    return applicant


def _codes(response, field: str) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


@pytest.mark.parametrize(("password", "code"), [("", "required"), ("Wrong-Horse-42", "password_wrong")])
def test_turning_the_log_in_code_off_needs_the_password(client, person, password, code):
    """Without the right current password the SMS code stays on; with it, it goes off."""
    account = person.account
    second_factor.set_second_factor(account, True)
    refused = client.post(reverse("registration:security"), {"enabled": "off", "password": password})
    assert refused.status_code == 200 and _codes(refused, "password") == [code]
    assert second_factor.has_second_factor(account)
    accepted = client.post(reverse("registration:security"), {"enabled": "off", "password": PASSWORD})
    assert accepted.status_code == 302 and not second_factor.has_second_factor(account)


@pytest.mark.parametrize(("password", "code"), [("", "required"), ("Wrong-Horse-42", "password_wrong")])
def test_changing_snils_or_inn_needs_the_password(client, person, password, code):
    """Without the right current password SNILS and INN stay as they were; with it, they change."""
    url = reverse("registration:profile_identifiers")
    refused = client.post(url, {"snils": "", "inn": "500100732259", "password": password})
    assert refused.status_code == 200 and _codes(refused, "password") == [code]
    assert (Applicant.objects.get(pk=person.pk).snils, Applicant.objects.get(pk=person.pk).inn) == ("11223344595", "")
    assert client.post(url, {"snils": "", "inn": "500100732259", "password": PASSWORD}).status_code == 302
    assert Applicant.objects.get(pk=person.pk).inn == "500100732259"


def test_password_guesses_on_the_security_page_are_rate_limited(client, person, settings):
    """Each try of the password counts: past the limit the page answers 429."""
    settings.REGISTRATION_RATE_LIMITS = {"profile_details": "2/1h"}
    for _ in range(2):
        assert client.post(reverse("registration:security"), {"enabled": "off", "password": "x"}).status_code == 200
    assert client.post(reverse("registration:security"), {"enabled": "off", "password": PASSWORD}).status_code == 429


def test_the_support_thread_masks_the_email_as_the_list_does(client, person, role_user):  # noqa: F811
    """The desk's thread page shows the person's e-mail masked, never in full."""
    client.post(reverse("registration:support_new"), {"topic": "access", "body": "I cannot log in."})
    support = SupportRequest.objects.get()
    client.force_login(role_user("support"))
    page = client.get(reverse("admin:support_supportrequest_change", args=[support.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "a***@example.org" in html and "anna.eriksson@example.org" not in html
