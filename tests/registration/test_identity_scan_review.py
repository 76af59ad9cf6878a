"""Scan review: the clerk confirms from the scans, or requests further documents the person uploads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registration.accounts.models import AuditEvent
from registration.identity import flows, scan_review
from registration.identity.base import ClerkDecision, IdentityError
from registration.identity.models import ConfirmationState, RequestedScan, RequestState
from tests.registration.identity_fixtures import make_applicant, role_user, scan_png

METHOD = scan_review.METHOD
URL = reverse("registration:identity_method", args=["scan_review"])


def _page(applicant) -> str:
    return reverse("admin:identity_pendingapplication_change", args=[applicant.pk])


def test_person_asks_for_the_review(client, make_applicant):
    """The start button opens a review confirmation."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    assert client.post(URL, {"action": "start"}).status_code == 302
    assert flows.current(applicant.account).method == "scan_review"


def test_not_available_without_scans(make_applicant):
    """Without scans the method is not offered and cannot be started."""
    applicant = make_applicant(with_scan=False)
    assert not METHOD.is_available(applicant.account)
    with pytest.raises(IdentityError) as caught:
        METHOD.start(applicant.account)
    assert caught.value.code == "no_scans"


def test_clerk_confirms_from_the_scans_in_the_admin(client, make_applicant, role_user):
    """The clerk's POST with the comparison recorded activates the account."""
    applicant = make_applicant()
    METHOD.start(applicant.account)
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_confirm_scans", args=[applicant.pk])
    response = client.post(url, {"checks": ["scans_match", "mrz_match"]})
    assert response.status_code == 302
    applicant.account.refresh_from_db()
    assert applicant.account.status == "active"
    event = AuditEvent.objects.get(account=applicant.account, action="identity.confirmed")
    assert event.data["checks"] == ["mrz_match", "scans_match"]


def test_confirmation_needs_the_scans_compared(make_applicant, role_user):
    """Without recording that the scans match, the confirmation is refused."""
    applicant = make_applicant()
    confirmation = METHOD.start(applicant.account)
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, ClerkDecision(checks=("mrz_match",)), by=role_user("clerk"))
    assert caught.value.code == "originals_required"


def test_request_documents_then_the_person_uploads(client, make_applicant, role_user):
    """A request is e-mailed and shown in the cabinet; uploaded scans are kept and the review goes on."""
    applicant = make_applicant()
    METHOD.start(applicant.account)
    clerk = role_user("clerk")
    client.force_login(clerk)
    url = reverse("admin:identity_pendingapplication_request_documents", args=[applicant.pk])
    assert client.post(url, {"message": "A sharper scan of page 2, please."}).status_code == 302
    confirmation = flows.current(applicant.account)
    assert confirmation.state == ConfirmationState.DOCUMENTS_REQUESTED
    assert "sharper scan" in mail.outbox[-1].body
    document_request = confirmation.document_requests.get()

    client.force_login(applicant.account)
    upload_url = reverse("registration:identity_upload", args=[document_request.pk])
    page = client.get(reverse("registration:identity_methods")).content.decode()
    assert "sharper scan" in page and upload_url in page
    response = client.post(upload_url, {"scan_1": SimpleUploadedFile("page2.png", scan_png(7), "image/png")})
    assert response.status_code == 302
    document_request.refresh_from_db()
    confirmation.refresh_from_db()
    assert document_request.state == RequestState.FULFILLED
    assert confirmation.state == ConfirmationState.IN_PROGRESS
    scan = RequestedScan.objects.get()
    assert (scan.scan_type, scan.scan_name) == ("png", "page2.png")
    assert client.get(reverse("registration:requested_scan", args=[scan.pk])).status_code == 200

    client.force_login(clerk)
    assert reverse("registration:requested_scan", args=[scan.pk]) in client.get(_page(applicant)).content.decode()


def test_unreadable_replacement_is_refused_with_the_validators_code(client, make_applicant, role_user):
    """A file that is not a real scan is refused beside the field; nothing is stored."""
    applicant = make_applicant()
    confirmation = METHOD.start(applicant.account)
    document_request = flows.request_documents(confirmation, by=role_user("clerk"), message="Visa page")
    client.force_login(applicant.account)
    bad = SimpleUploadedFile("page.png", b"GIF89a" + bytes(64), "image/png")
    response = client.post(reverse("registration:identity_upload", args=[document_request.pk]), {"scan_1": bad})
    assert response.status_code == 200
    assert response.context["form"].has_error("scan_1")
    assert not RequestedScan.objects.exists()


def test_another_person_cannot_answer_the_request(client, make_applicant, role_user):
    """A document request belongs to its account: anyone else gets 404."""
    applicant, other = make_applicant(), make_applicant()
    confirmation = METHOD.start(applicant.account)
    document_request = flows.request_documents(confirmation, by=role_user("clerk"), message="Visa page")
    client.force_login(other.account)
    assert client.get(reverse("registration:identity_upload", args=[document_request.pk])).status_code == 404


def test_clerk_rejects_with_a_reason(client, make_applicant, role_user):
    """Rejection with a reason closes the review; the person may choose again."""
    applicant = make_applicant()
    METHOD.start(applicant.account)
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_reject", args=[applicant.pk])
    assert client.post(url, {"reject-reason": ""}).status_code == 400
    assert client.post(url, {"reject-reason": "The scan is of another person"}).status_code == 302
    assert flows.current(applicant.account) is None
    client.force_login(applicant.account)
    page = client.get(reverse("registration:identity_methods")).content.decode()
    assert "The scan is of another person" in page


def test_requested_document_flow_without_a_file_is_refused(make_applicant, role_user):
    """The flow itself refuses an answer with no files."""
    applicant = make_applicant()
    confirmation = METHOD.start(applicant.account)
    document_request = flows.request_documents(confirmation, by=role_user("clerk"), message="Visa page")
    with pytest.raises(IdentityError) as caught:
        flows.submit_requested_documents(document_request, [])
    assert caught.value.code == "invalid_scan"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "no scan of your identity document"), ("ru", "нет скана документа, удостоверяющего личность")],
)
def test_cabinet_says_why_the_review_is_not_available(client, settings, make_applicant, language, words):
    """Without scans the cabinet says what is missing, in the person's language, not only "not available"."""
    applicant = make_applicant(with_scan=False)
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    status = client.get(reverse("registration:cabinet")).content.decode()
    assert words in status
    assert "Not available for your application." not in status
    page = client.get(URL).content.decode()
    assert words in page


def test_available_method_gives_no_reason(make_applicant):
    """A method the person may choose has no reason against it."""
    applicant = make_applicant()
    assert METHOD.unavailable_reason(applicant.account) == ""
