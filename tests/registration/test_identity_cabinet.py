"""The cabinet's identity pages: the list of methods, each method's page, switching, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.accounts import status
from registration.accounts.models import AuditEvent
from registration.identity import flows, registry
from registration.identity.models import ConfirmationState
from tests.registration.identity_fixtures import make_applicant, role_user, trusted_ca

METHODS = reverse("registration:identity_methods")


def _method_url(code: str) -> str:
    return reverse("registration:identity_method", args=[code])


def test_methods_page_lists_every_method_with_a_button(client, make_applicant):
    """Each offered method appears with its description and a link to its page."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    page = client.get(METHODS).content.decode()
    for method in registry.offered_methods():
        assert str(method.label) in page
        # Mobile identification needs a number from the migration record: none without registry checks.
        assert (_method_url(method.code) in page) == (method.code != "mobile_id")


@pytest.mark.parametrize("code", [m.code for m in registry.all_methods()])
def test_every_method_page_renders_before_and_after_starting(client, make_applicant, trusted_ca, code):
    """A method's page renders for a pending person, before the choice and once it is the current one."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    assert client.get(_method_url(code)).status_code == 200
    flows.open_confirmation(applicant.account, code)
    response = client.get(_method_url(code))
    assert response.status_code == 200
    assert response.context["confirmation"].method == code


def test_switching_shows_a_warning_and_cancels_the_previous_choice(client, make_applicant):
    """On another method's page the current choice is named; choosing cancels it and is audited."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    first = flows.open_confirmation(applicant.account, "service_centre")
    page = client.get(_method_url("scan_review")).content.decode()
    assert str(registry.get("service_centre").label) in page
    assert client.post(_method_url("scan_review"), {"action": "start"}).status_code == 302
    first.refresh_from_db()
    assert first.state == ConfirmationState.CANCELLED
    started = AuditEvent.objects.filter(account=applicant.account, action="identity.started").latest("pk")
    assert started.data["switched_from"] == "service_centre"
    page = client.get(METHODS).content.decode()
    assert "method-current" in page


def test_unknown_method_is_404(client, make_applicant):
    """A method code that is not registered is a 404."""
    client.force_login(make_applicant().account)
    assert client.get(_method_url("telepathy")).status_code == 404


def test_unknown_action_is_404(client, make_applicant):
    """A POST with an action the method does not have is a 404."""
    client.force_login(make_applicant().account)
    assert client.post(_method_url("consulate"), {"action": "drop_tables"}).status_code == 404


def test_method_switched_off_in_settings_is_not_offered(client, make_applicant, settings):
    """REGISTRATION_IDENTITY_METHODS limits what people may choose."""
    settings.REGISTRATION_IDENTITY_METHODS = ["service_centre", "post_letter"]
    client.force_login(make_applicant().account)
    page = client.get(METHODS).content.decode()
    assert _method_url("video_call") not in page
    assert client.get(_method_url("video_call")).status_code == 404


def test_active_person_is_sent_to_the_cabinet(client, make_applicant):
    """Once active, the identity pages lead back to the status page."""
    applicant = make_applicant()
    status.activate(applicant.account, by=None)
    client.force_login(applicant.account)
    for url in (METHODS, _method_url("post_letter")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")


def test_identity_pages_need_login(client, db):
    """Anonymous visitors are sent to log in."""
    for url in (METHODS, _method_url("post_letter"), reverse("registration:identity_receipt")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("registration:login"))


def test_form_errors_have_a_summary_linking_to_the_field(client, make_applicant):
    """An invalid form shows an error summary (role=alert) linking to the field, and the error beside it."""
    client.force_login(make_applicant().account)
    response = client.post(_method_url("post_letter"), {"action": "start", "start-postcode": "", "start-address": ""})
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'href="#id_start-postcode"' in page
    assert 'id="id_start-postcode-error"' in page
    assert 'aria-describedby="id_start-postcode-hint id_start-postcode-error"' in page


def test_identity_pages_are_not_cached(client, make_applicant):
    """Pages with personal data are sent with no-cache headers."""
    client.force_login(make_applicant().account)
    response = client.get(_method_url("service_centre"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_staff_without_an_application_get_no_receipt(client, role_user):
    """The receipt needs an application: a clerk's own account gets 404."""
    client.force_login(role_user("clerk"))
    assert client.get(reverse("registration:identity_receipt")).status_code == 404
