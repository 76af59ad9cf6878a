"""At the service centre the clerk chooses: a code the person types in the cabinet, or confirming at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registration.accounts.models import Account
from tests.registration.identity_fixtures import make_applicant, role_user

pytestmark = pytest.mark.django_db


def confirm(client, applicant, mode: str | None):
    url = reverse("admin:identity_pendingapplication_confirm", args=[applicant.pk])
    data = {"originals": ["identity_document", "stay_document"], "note": ""}
    if mode:
        data["mode"] = mode
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("issues_code", [False, True])
def test_the_clerk_issues_a_code_and_the_person_types_it(client, make_applicant, role_user, settings, issues_code):
    """Whatever the setting, "issue a code" issues one (shown once) and the account stays pending until typed."""
    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = issues_code
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    page = confirm(client, applicant, "code")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    code = re.search(r'class="issued-code"[^>]*>(\d{8})<', page.content.decode()).group(1)
    assert Account.objects.get(pk=applicant.account.pk).is_pending
    client.force_login(applicant.account)
    url = reverse("registration:identity_method", args=["service_centre"])
    client.post(url, {"action": "complete", "complete-code": code})
    assert Account.objects.get(pk=applicant.account.pk).is_confirmed


@pytest.mark.parametrize("issues_code", [False, True])
def test_the_clerk_confirms_at_once_for_someone_who_cannot_use_the_cabinet(
    client, make_applicant, role_user, settings, issues_code
):
    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = issues_code
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    assert confirm(client, applicant, "now").status_code == 302
    assert Account.objects.get(pk=applicant.account.pk).is_confirmed
    assert not applicant.account.one_time_codes.exists()


@pytest.mark.parametrize(("issues_code", "first"), [(False, "now"), (True, "code")])
def test_the_setting_chooses_the_main_button(client, make_applicant, role_user, settings, issues_code, first):
    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = issues_code
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk])).content.decode()
    form = page.split("/confirm/", 1)[1].split("</form>", 1)[0]
    assert re.findall(r'name="mode" value="(\w+)"', form)[0] == first
    # A form posted without a button's value follows the setting.
    response = confirm(client, applicant, None)
    assert Account.objects.get(pk=applicant.account.pk).is_pending == issues_code
    assert response.status_code == (200 if issues_code else 302)
