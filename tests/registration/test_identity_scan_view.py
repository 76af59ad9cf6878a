"""The private scan view: owner and clerks with work on the person only, every view audited, safe headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.accounts.models import AuditEvent
from tests.registration.identity_fixtures import make_applicant, role_user, superuser


def _scan_url(applicant) -> str:
    return reverse("registration:document_scan", args=[applicant.documents.get().pk])


def test_owner_sees_the_scan_inline_with_safe_headers(client, make_applicant):
    """The owner gets the file inline, with nosniff, no-store and a neutral file name."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.get(_scan_url(applicant))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and f"document-{applicant.documents.get().pk}.png" in disposition
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_download_parameter_sends_an_attachment(client, make_applicant):
    """?download=1 asks the browser to save the file rather than show it."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.get(_scan_url(applicant) + "?download=1")
    assert response["Content-Disposition"].startswith("attachment;")


def test_each_view_is_recorded_in_the_audit_log(client, make_applicant, role_user):
    """Every opening of a scan appends scan.viewed with who opened it."""
    applicant = make_applicant()
    clerk = role_user("clerk")
    client.force_login(clerk)
    client.get(_scan_url(applicant))
    client.get(_scan_url(applicant))
    events = AuditEvent.objects.filter(account=applicant.account, action="scan.viewed")
    assert events.count() == 2
    assert {event.actor for event in events} == {clerk}


def test_another_person_gets_404(client, make_applicant):
    """Someone else's scan does not exist as far as another applicant can tell."""
    owner = make_applicant()
    other = make_applicant()
    client.force_login(other.account)
    assert client.get(_scan_url(owner)).status_code == 404
    assert not AuditEvent.objects.filter(action="scan.viewed").exists()


@pytest.mark.parametrize("role", ["post", "consul", "support"])
def test_staff_without_the_permission_get_404(client, make_applicant, role_user, role):
    """Roles without the scan permission cannot open scans."""
    applicant = make_applicant()
    client.force_login(role_user(role))
    assert client.get(_scan_url(applicant)).status_code == 404


def test_clerk_opens_scans_of_an_application_in_the_queue(client, make_applicant, role_user):
    """A service-centre clerk opens the scans of a pending application (work in their queue)."""
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    assert client.get(_scan_url(applicant)).status_code == 200


def test_video_operator_needs_a_call_with_the_person(client, make_applicant, role_user):
    """The scan permission alone is not enough: a video operator opens scans only of people booked with them."""
    applicant = make_applicant()
    client.force_login(role_user("video"))
    assert client.get(_scan_url(applicant)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, make_applicant):
    """Without a session the view redirects to the log-in page."""
    applicant = make_applicant()
    response = client.get(_scan_url(applicant))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("registration:login"))


def test_missing_document_and_missing_file_are_404(client, make_applicant, superuser):
    """A document without a scan, or an unknown id, is a 404 even for a superuser."""
    applicant = make_applicant(with_scan=False)
    client.force_login(superuser)
    assert client.get(_scan_url(applicant)).status_code == 404
    assert client.get(reverse("registration:document_scan", args=[999999])).status_code == 404


def test_post_is_not_allowed(client, make_applicant):
    """The scan view answers GET only."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    assert client.post(_scan_url(applicant)).status_code == 405
