"""The application page in the clerks' workspace: data, scans, MRZ, history and its forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import Account, Applicant
from registration.identity import flows
from registration.identity.models import ServiceCentre
from tests.registration.identity_fixtures import make_applicant, role_user, superuser

QUEUE = reverse("admin:identity_pendingapplication_changelist")


def test_application_page_shows_data_scans_mrz_and_history(client, make_applicant, role_user):
    """The page puts the typed data beside the scan, shows the MRZ check and the history."""
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    response = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    document = applicant.documents.get()
    assert reverse("registration:document_scan", args=[document.pk]) in page
    assert "AB1234567" in page
    assert "mrz-ok" in page
    assert "identity_document" in page  # the originals checkboxes of the confirm form
    assert reverse("admin:identity_pendingapplication_confirm_scans", args=[applicant.pk]) in page


def _status_line(client, applicant) -> str:
    """The application page's status line (account status, submission, method), in English."""
    response = client.get(
        reverse("admin:identity_pendingapplication_change", args=[applicant.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode().split('class="application-status"', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    ("method", "action", "data"),
    [
        ("service_centre", "confirm", {"originals": ["identity_document", "stay_document"]}),
        ("scan_review", "confirm_scans", {"checks": ["scans_match"]}),
    ],
)
def test_application_page_names_the_method_that_confirmed(client, make_applicant, role_user, method, action, data):
    """After a clerk confirms, the page shows the method used and its state, not "not chosen"."""
    from django.utils import translation

    from registration.identity import registry
    from registration.identity.models import ConfirmationState

    centre = ServiceCentre.objects.create(name="MFC Tverskoy", region="77", city="Moscow", address="A")
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, method, centre=centre if method == "service_centre" else None)
    client.force_login(role_user("clerk"))
    with translation.override("en"):
        expected = f"<strong>{registry.label(method)}</strong> ({ConfirmationState.IN_PROGRESS.label})"
        assert expected in _status_line(client, applicant)
        response = client.post(reverse(f"admin:identity_pendingapplication_{action}", args=[applicant.pk]), data)
        assert response.status_code == 302
        assert Account.objects.get(pk=applicant.account_id).status == "active"
        line = _status_line(client, applicant)
        assert f"<strong>{registry.label(method)}</strong> ({ConfirmationState.CONFIRMED.label})" in line
        assert "not chosen" not in line
        assert (centre.name in line) is (method == "service_centre")


def test_application_page_says_when_no_method_was_chosen(client, make_applicant, role_user):
    """A person who has not chosen a method yet is shown as such."""
    from django.utils import translation

    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    with translation.override("en"):
        assert "<strong>not chosen</strong>" in _status_line(client, applicant)


def test_mrz_mismatch_is_pointed_out(client, make_applicant, role_user):
    """A typed birth date that differs from the MRZ is shown as a mismatch on that field."""
    from datetime import date

    applicant = make_applicant()
    Applicant.objects.filter(pk=applicant.pk).update(birth_date=date(1991, 8, 12))
    client.force_login(role_user("clerk"))
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk])).content.decode()
    assert 'class="mismatch"' in page and "12.08.1990" in page


def test_qr_lookup_leads_to_the_application(client, make_applicant, role_user):
    """The receipt's QR link opens the application for a clerk, and is a 404 for an unknown number."""
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_lookup", args=[applicant.application_number])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:identity_pendingapplication_change", args=[applicant.pk])
    assert client.get(reverse("admin:identity_pendingapplication_lookup", args=["0000000000"])).status_code == 404


def test_empty_reason_on_the_application_page_asks_for_it(client, make_applicant, role_user):
    """Rejecting with no reason shows the specific message on the clerk's page, never Django's generic one."""
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_reject", args=[applicant.pk])
    response = client.post(url, {"reject-reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason: the person reads it." in html
    assert "This field is required." not in html
