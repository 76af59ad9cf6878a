"""Service-centre visit: choosing it, the receipt, a clerk's confirmation, and the code variant."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from registration.accounts.models import AuditEvent
from registration.identity import flows, registry
from registration.identity.base import ClerkDecision, CodeEntry, IdentityError
from registration.identity.models import ConfirmationState, ServiceCentre
from registration.identity.service_centre import confirm_in_person
from tests.registration.identity_fixtures import make_applicant, role_user

SERVICE_CENTRE = registry.get("service_centre")


@pytest.fixture
def centre(db):
    return ServiceCentre.objects.create(name="Centre One", region="77", city="Moscow", address="Tverskaya 1")


def _actions(account) -> list[str]:
    return list(AuditEvent.objects.filter(account=account).order_by("at", "pk").values_list("action", flat=True))


def test_person_chooses_a_centre_from_the_cabinet(client, make_applicant, centre):
    """Choosing the method with a centre opens a confirmation bound to that centre and audits it."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    url = reverse("registration:identity_method", args=["service_centre"])
    response = client.post(url, {"action": "start", "start-centre": centre.pk})
    assert response.status_code == 302
    confirmation = flows.current(applicant.account)
    assert (confirmation.method, confirmation.centre) == ("service_centre", centre)
    assert "identity.started" in _actions(applicant.account)
    page = client.get(url).content.decode()
    assert "Tverskaya 1" in page


def test_receipt_has_number_and_qr_code_of_the_lookup_link(client, make_applicant):
    """The receipt shows the application number and an inline SVG QR code."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.get(reverse("registration:identity_receipt"))
    page = response.content.decode()
    assert response.status_code == 200
    assert applicant.application_number in page
    assert "<svg" in page


def test_clerk_confirms_in_person_and_account_becomes_active(make_applicant, role_user, rf):
    """With originals checked, the clerk's confirmation activates the account, audits and e-mails."""
    applicant = make_applicant()
    clerk = role_user("clerk")
    request = rf.post("/", REMOTE_ADDR="198.51.100.4")
    outcome = confirm_in_person(
        applicant.account, ClerkDecision(originals=("identity_document", "stay_document")), by=clerk, request=request
    )
    applicant.account.refresh_from_db()
    assert outcome.activated and applicant.account.status == "active"
    assert outcome.confirmation.state == ConfirmationState.CONFIRMED
    assert outcome.confirmation.details["originals"] == ["identity_document", "stay_document"]
    event = AuditEvent.objects.get(account=applicant.account, action="identity.confirmed")
    assert (event.actor, event.ip_address) == (clerk, "198.51.100.4")
    assert event.data["originals"] == ["identity_document", "stay_document"]
    assert AuditEvent.objects.filter(account=applicant.account, action="status.activated").count() == 1
    assert mail.outbox[-1].to == [applicant.account.email]


def test_confirmation_without_the_identity_document_is_refused(make_applicant, role_user):
    """A clerk must record that the identity document itself was checked."""
    applicant = make_applicant()
    with pytest.raises(IdentityError) as caught:
        confirm_in_person(applicant.account, ClerkDecision(originals=("snils",)), by=role_user("clerk"))
    assert caught.value.code == "originals_required"
    applicant.account.refresh_from_db()
    assert applicant.account.status == "pending"


def test_walk_in_switches_from_another_method(make_applicant, role_user):
    """A person who chose another method can still be confirmed at a centre; the old choice is cancelled."""
    applicant = make_applicant()
    scan_review = flows.open_confirmation(applicant.account, "scan_review")
    confirm_in_person(applicant.account, ClerkDecision(originals=("identity_document",)), by=role_user("clerk"))
    scan_review.refresh_from_db()
    assert scan_review.state == ConfirmationState.CANCELLED


def test_confirming_an_active_account_is_refused(make_applicant, role_user):
    """Confirming twice fails with not_pending and adds no second activation."""
    applicant = make_applicant()
    clerk = role_user("clerk")
    confirm_in_person(applicant.account, ClerkDecision(originals=("identity_document",)), by=clerk)
    with pytest.raises(IdentityError) as caught:
        confirm_in_person(applicant.account, ClerkDecision(originals=("identity_document",)), by=clerk)
    assert caught.value.code == "not_pending"
    assert AuditEvent.objects.filter(account=applicant.account, action="status.activated").count() == 1


@pytest.fixture
def issues_code(settings):
    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = True


def test_with_the_code_setting_the_clerk_issues_a_code_the_person_types(client, make_applicant, role_user, issues_code):
    """The clerk's check issues a code (stored hashed); typing it in the cabinet activates the account."""
    applicant = make_applicant()
    outcome = confirm_in_person(
        applicant.account, ClerkDecision(originals=("identity_document",)), by=role_user("clerk")
    )
    assert not outcome.activated and re.fullmatch(r"\d{8}", outcome.issued_code)
    record = outcome.confirmation.account.one_time_codes.get()
    assert outcome.issued_code not in record.code_hash
    applicant.account.refresh_from_db()
    assert applicant.account.status == "pending"
    client.force_login(applicant.account)
    url = reverse("registration:identity_method", args=["service_centre"])
    response = client.post(url, {"action": "complete", "complete-code": outcome.issued_code})
    assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")
    applicant.account.refresh_from_db()
    assert applicant.account.status == "active"


def test_wrong_service_centre_code_is_refused_and_counted(make_applicant, role_user, issues_code):
    """A wrong code gives wrong_code, is audited, and counts against the code's attempts."""
    applicant = make_applicant()
    outcome = confirm_in_person(
        applicant.account, ClerkDecision(originals=("identity_document",)), by=role_user("clerk")
    )
    wrong = "0" * 8 if outcome.issued_code != "0" * 8 else "1" * 8
    with pytest.raises(IdentityError) as caught:
        SERVICE_CENTRE.complete(outcome.confirmation, CodeEntry(wrong), by=applicant.account)
    assert caught.value.code == "wrong_code"
    assert outcome.confirmation.account.one_time_codes.get().attempts == 1
    assert AuditEvent.objects.get(account=applicant.account, action="identity.refused").data["error"] == "wrong_code"


def test_code_entries_are_rate_limited(client, make_applicant, role_user, issues_code):
    """After 5 wrong codes in 10 minutes the cabinet answers 429, even for the right code."""
    applicant = make_applicant()
    outcome = confirm_in_person(
        applicant.account, ClerkDecision(originals=("identity_document",)), by=role_user("clerk")
    )
    client.force_login(applicant.account)
    url = reverse("registration:identity_method", args=["service_centre"])
    for _ in range(5):
        response = client.post(url, {"action": "complete", "complete-code": "99999999x"[:8]})
        assert response.status_code == 200
    response = client.post(url, {"action": "complete", "complete-code": outcome.issued_code})
    assert response.status_code == 429
    applicant.account.refresh_from_db()
    assert applicant.account.status == "pending"


def test_reissued_code_replaces_the_old_one(make_applicant, role_user, issues_code):
    """Issuing a new code revokes the earlier one: only the new one works."""
    applicant = make_applicant()
    clerk = role_user("clerk")
    first = confirm_in_person(applicant.account, ClerkDecision(originals=("identity_document",)), by=clerk)
    second = SERVICE_CENTRE.issue_code(first.confirmation, by=clerk)
    if first.issued_code != second.issued_code:
        with pytest.raises(IdentityError) as caught:
            SERVICE_CENTRE.complete(first.confirmation, CodeEntry(first.issued_code), by=applicant.account)
        assert caught.value.code == "wrong_code"
    outcome = SERVICE_CENTRE.complete(first.confirmation, CodeEntry(second.issued_code), by=applicant.account)
    assert outcome.activated


def test_expired_code_is_refused(make_applicant, role_user, issues_code):
    """A code past its validity gives code_expired."""
    applicant = make_applicant()
    outcome = confirm_in_person(
        applicant.account, ClerkDecision(originals=("identity_document",)), by=role_user("clerk")
    )
    from django.utils import timezone

    outcome.confirmation.account.one_time_codes.update(expires_at=timezone.now())
    with pytest.raises(IdentityError) as caught:
        SERVICE_CENTRE.complete(outcome.confirmation, CodeEntry(outcome.issued_code), by=applicant.account)
    assert caught.value.code == "code_expired"
