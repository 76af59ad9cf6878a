"""Identity data in the admin: read-only for everybody, superusers included; contact corrections are audited, masked."""

from __future__ import annotations

from django.urls import reverse

from registration.accounts.models import Applicant, AuditEvent, Document
from tests.registration.identity_fixtures import make_applicant, superuser


def test_a_superuser_cannot_change_an_applicants_identity_data(client, make_applicant, superuser):
    """POSTing the applicant's change form is refused (403) and the names stay as confirmed."""
    applicant = make_applicant(with_scan=False)
    client.force_login(superuser)
    url = reverse("admin:accounts_applicant_change", args=[applicant.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="surname"' not in page.content.decode()
    response = client.post(url, {"surname": "MALLORY", "given_names": "EVE", "birth_place": "Nowhere"})
    assert response.status_code == 403
    applicant.refresh_from_db()
    assert (applicant.surname, applicant.given_names) == ("ERIKSSON", "ANNA MARIA")


def test_a_superuser_cannot_change_add_or_delete_identity_documents(client, make_applicant, superuser):
    """Documents are read-only too: changing, adding and deleting answer 403 and leave the document as it was."""
    applicant = make_applicant(with_scan=False)
    document = applicant.documents.get()
    client.force_login(superuser)
    change = reverse("admin:accounts_document_change", args=[document.pk])
    assert client.post(change, {"number": "XX0000000", "role": "identity"}).status_code == 403
    assert client.post(reverse("admin:accounts_document_add"), {"number": "XX1"}).status_code == 403
    for delete in ("document_delete", "applicant_delete"):
        pk = document.pk if delete.startswith("document") else applicant.pk
        assert client.post(reverse(f"admin:accounts_{delete}", args=[pk]), {"post": "yes"}).status_code == 403
    assert Document.objects.get(pk=document.pk).number == "AB1234567"
    assert Applicant.objects.filter(pk=applicant.pk).exists()


def test_a_superusers_correction_of_contacts_is_audited_with_masked_before_and_after(
    client,
    make_applicant,
    superuser,
):
    """The correction that remains possible (e-mail, phone) leaves an audit event with masked old and new values."""
    account = make_applicant("anna.eriksson@example.org", with_scan=False).account
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_account_change", args=[account.pk]),
        {
            "email": "anna.new@example.org",
            "phone": "+79991234567",
            "preferred_language": account.preferred_language or "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(account=account, action="account.corrected")
    assert event.actor == superuser
    assert event.data["fields"] == ["email", "phone"]
    assert event.data["email"] == {"from": "a***@example.org", "to": "a***@example.org"}
    assert event.data["phone"]["to"] == "+7999***4567"
    assert "anna.new" not in str(event.data) and "1234567" not in str(event.data)
