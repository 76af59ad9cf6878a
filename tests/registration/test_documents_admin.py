"""Issued documents in the workspace: a read-only list for the role that may, and revoking with a reason."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from registration import access
from registration.accounts.models import Account, AuditEvent
from registration.documents import issuing
from tests.registration.documents_fixtures import issue_document  # noqa: F401
from tests.registration.identity_fixtures import superuser  # noqa: F401

LIST = "admin:documents_issueddocument_changelist"


@pytest.fixture
def staff_with(make_account):
    """A staff account holding exactly the given ``documents`` permissions."""

    def factory(*codenames: str) -> Account:
        account = make_account(f"{'-'.join(codenames) or 'none'}@staff.example.org", is_staff=True, phone=None)
        account.user_permissions.set(
            Permission.objects.filter(content_type__app_label="documents", codename__in=codenames)
        )
        return Account.objects.get(pk=account.pk)

    return factory


def revoke_url(document) -> str:
    return reverse("admin:documents_issueddocument_revoke", args=[document.pk])


def test_the_list_shows_numbers_and_validity_never_the_content(client, issue_document, staff_with):  # noqa: F811
    document = issue_document()
    client.force_login(staff_with("view_issueddocument"))
    page = client.get(reverse(LIST)).content.decode()
    assert document.number in page
    change = client.get(reverse("admin:documents_issueddocument_change", args=[document.pk])).content.decode()
    for secret in ("KARIMOV", "Тверская", document.check_token, document.account.email):
        assert secret not in page and secret not in change
    assert revoke_url(document) not in change  # viewing is not revoking


def test_staff_without_the_role_see_no_list_and_cannot_revoke(client, issue_document, staff_with):  # noqa: F811
    document = issue_document()
    client.force_login(staff_with())
    assert client.get(reverse(LIST)).status_code == 403
    assert client.post(revoke_url(document), {"reason": "x"}).status_code == 404
    document.refresh_from_db()
    assert document.revoked_at is None


def test_viewing_alone_does_not_let_a_clerk_revoke(client, issue_document, staff_with):  # noqa: F811
    document = issue_document()
    client.force_login(staff_with("view_issueddocument"))
    assert client.post(revoke_url(document), {"reason": "Issued in error"}).status_code == 404
    document.refresh_from_db()
    assert document.revoked_at is None


def test_a_reason_is_required(client, issue_document, staff_with):  # noqa: F811
    document = issue_document()
    client.force_login(staff_with("view_issueddocument", "revoke_document"))
    client.cookies["portal_language"] = "en"
    response = client.post(revoke_url(document), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the document is revoked."]
    document.refresh_from_db()
    assert document.revoked_at is None


def test_revoking_is_audited_and_the_check_page_then_says_not_valid(client, issue_document, staff_with):  # noqa: F811
    document = issue_document()
    officer = staff_with("view_issueddocument", "revoke_document")
    client.force_login(officer)
    change = client.get(reverse("admin:documents_issueddocument_change", args=[document.pk])).content.decode()
    assert revoke_url(document) in change
    response = client.post(revoke_url(document), {"reason": "Issued in error"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.revoked_at is not None
    event = AuditEvent.objects.get(action="document.revoked")
    assert (event.actor, event.account, event.reason) == (officer, document.account, "Issued in error")
    assert event.data == {"document": document.pk, "kind": "stay_notice"}
    client.logout()
    client.cookies["portal_language"] = "en"
    check = client.get(reverse("registration:document_check", args=[document.check_token]))
    assert "This document is not valid." in check.content.decode()


def test_revoking_twice_changes_nothing(client, issue_document, superuser):  # noqa: F811
    document = issue_document()
    issuing.revoke(document, by=superuser, reason="First")
    first = document.revoked_at
    client.force_login(superuser)
    response = client.post(revoke_url(document), {"reason": "Second"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.revoked_at == first
    assert AuditEvent.objects.filter(action="document.revoked").count() == 1
    with pytest.raises(issuing.AlreadyRevoked):
        issuing.revoke(document, by=superuser, reason="Third")


def test_revoke_refuses_a_blank_reason(issue_document, superuser):  # noqa: F811
    with pytest.raises(ValueError):
        issuing.revoke(issue_document(), by=superuser, reason=" ")


def test_the_access_policy_for_documents(issue_document, make_account, staff_with, superuser):  # noqa: F811
    document = issue_document()
    viewer, officer, stranger = (
        staff_with("view_issueddocument"),
        staff_with("view_issueddocument", "revoke_document"),
        make_account(),
    )
    assert access.can_download_document(document.account, document)
    assert not any(access.can_download_document(user, document) for user in (viewer, officer, stranger, superuser))
    assert [access.can_view_issued_documents(u) for u in (viewer, officer, stranger, superuser)] == [
        True,
        True,
        False,
        True,
    ]
    assert [access.can_revoke_document(u, document) for u in (viewer, officer, stranger, superuser)] == [
        False,
        True,
        False,
        True,
    ]
    issuing.revoke(document, by=officer, reason="Issued in error")
    assert not access.can_revoke_document(officer, document)


def test_numbers_are_unique_per_kind_and_year(issue_document):  # noqa: F811
    first, second = issue_document(), issue_document()
    permit = issue_document("residence_permit")
    assert first.number != second.number
    assert first.number.startswith(f"RS-{first.issued_at:%Y}-") and permit.number.startswith("RP-")
    assert int(second.number.rsplit("-", 1)[1]) == second.pk
