"""Changes of identity data: held beside the confirmed data with a new scan, accepted or rejected by a clerk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from registration.accounts import status
from registration.accounts.models import Account, AccountStatus, Applicant, AuditEvent, Document
from registration.profile import flows
from registration.profile.models import ProfileChangeRequest
from tests.registration.identity_fixtures import make_applicant, role_user, scan_png, superuser


def upload(name: str = "new-passport.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, scan_png(7), content_type="image/png")


def personal_data(**changes: str) -> dict:
    data = {
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "patronymic": "",
        "surname_cyrillic": "ЭРИКССОН",
        "given_names_cyrillic": "АННА МАРИЯ",
        "patronymic_cyrillic": "",
        "birth_date": "12.08.1990",
        "birth_place": "Stockholm",
        "sex": "F",
        "citizenship": "SE",
        "scan": upload(),
    }
    data.update(changes)
    return data


def document_data(**changes: str) -> dict:
    expiry = date.today() + timedelta(days=5 * 365)
    data = {
        "kind": "foreign_passport",
        "number": "AB7654321",
        "issue_date": "01.02.2024",
        "expiry_date": expiry.strftime("%d.%m.%Y"),
        "issuing_authority": "Polisen",
        "mrz": "",
        "scan": upload(),
    }
    data.update(changes)
    return data


@pytest.fixture
def active(make_applicant, client):
    """A logged-in applicant whose identity is confirmed (the account is active)."""
    applicant = make_applicant("anna@example.org")
    status.activate(applicant.account, by=None, method="service_centre")
    client.force_login(applicant.account)
    mail.outbox.clear()
    return applicant


def send_personal(client, **changes):
    return client.post(reverse("registration:profile_personal"), personal_data(**changes))


def application_url(applicant: Applicant) -> str:
    return reverse("admin:identity_pendingapplication_change", args=[applicant.pk])


def decide(client, applicant: Applicant, change: ProfileChangeRequest, decision: str, data: dict):
    url = reverse(f"admin:identity_pendingapplication_{decision}_change", args=[applicant.pk, change.pk])
    return client.post(url, data)


def actions(account: Account) -> list[str]:
    return list(AuditEvent.objects.filter(account=account).order_by("at", "pk").values_list("action", flat=True))


def test_changed_name_is_held_for_review_and_accepted(client, active, role_user):
    """The change waits beside the confirmed data, the account waits for review; accepting replaces the data."""
    response = send_personal(client, surname="LINDQVIST", surname_cyrillic="ЛИНДКВИСТ")
    assert response.status_code == 302 and response["Location"] == reverse("registration:profile")
    account = Account.objects.get(pk=active.account.pk)
    assert account.status == AccountStatus.PENDING
    change = ProfileChangeRequest.objects.get()
    assert change.is_pending and change.was_active and change.kind == "personal"
    assert change.proposed == {"surname": "LINDQVIST", "surname_cyrillic": "ЛИНДКВИСТ"}
    assert change.scan.storage.exists(change.scan.name) and change.scan_type == "png"
    assert Applicant.objects.get(pk=active.pk).surname == "ERIKSSON"  # confirmed data untouched

    cabinet = client.get(reverse("registration:cabinet"))
    assert cabinet.context["under_review"] and not cabinet.context["checklist"]
    profile = client.get(reverse("registration:profile")).content.decode()
    assert "change-pending" in profile and reverse("registration:profile_personal") not in profile

    clerk = role_user("clerk")
    client.force_login(clerk)
    page = client.get(application_url(active))
    assert page.status_code == 200 and "LINDQVIST" in page.content.decode()
    assert page.context["can"]["confirm"] is False  # decided through the change, not a new confirmation
    assert client.get(reverse("registration:profile_change_scan", args=[change.pk])).status_code == 200
    response = decide(client, active, change, "accept", {f"change{change.pk}-compared": "on"})
    assert response.status_code == 302

    applicant = Applicant.objects.get(pk=active.pk)
    assert (applicant.surname, applicant.surname_cyrillic, applicant.given_names) == (
        "LINDQVIST",
        "ЛИНДКВИСТ",
        "ANNA MARIA",
    )
    assert Account.objects.get(pk=account.pk).status == AccountStatus.ACTIVE
    change.refresh_from_db()
    assert change.state == "accepted" and change.decided_by == clerk
    expected = ["profile.change_submitted", "status.sent_to_review", "profile.change_accepted", "status.activated"]
    assert [action for action in actions(account) if action in expected][-4:] == expected
    accepted = AuditEvent.objects.get(account=account, action="profile.change_accepted")
    assert accepted.actor == clerk and accepted.data["fields"] == ["surname", "surname_cyrillic"]
    assert "LINDQVIST" not in str(accepted.data)
    assert mail.outbox[-1].to == ["anna@example.org"]
    with translation.override(Account.objects.get(pk=account.pk).preferred_language or settings.LANGUAGE_CODE):
        assert mail.outbox[-1].subject == translation.gettext("Change of identity data accepted")


def test_rejected_change_keeps_the_confirmed_data_and_the_account_active(client, active, role_user):
    """Rejecting leaves the data as confirmed and makes the account active again, with the reason told."""
    send_personal(client, birth_date="13.08.1990")
    change = ProfileChangeRequest.objects.get()
    client.force_login(role_user("clerk"))
    response = decide(client, active, change, "reject", {f"change{change.pk}-reason": "The scan is blurred."})
    assert response.status_code == 302
    assert Applicant.objects.get(pk=active.pk).birth_date == date(1990, 8, 12)
    account = Account.objects.get(pk=active.account.pk)
    assert account.status == AccountStatus.ACTIVE
    restored = AuditEvent.objects.get(account=account, action="status.restored_after_review")
    assert (restored.from_status, restored.to_status, restored.reason) == ("pending", "active", "The scan is blurred.")
    assert "The scan is blurred." in mail.outbox[-1].body
    client.force_login(account)
    profile = client.get(reverse("registration:profile")).content.decode()
    assert "change-rejected" in profile and "The scan is blurred." in profile


def test_rejection_needs_a_reason(client, active, role_user):
    """Without a reason the page answers 400 with the error beside the field and nothing is decided."""
    send_personal(client, birth_place="Uppsala")
    change = ProfileChangeRequest.objects.get()
    client.force_login(role_user("clerk"))
    response = decide(client, active, change, "reject", {f"change{change.pk}-reason": ""})
    assert response.status_code == 400
    assert ProfileChangeRequest.objects.get().is_pending


def test_accepting_needs_the_comparison_ticked(client, active, role_user):
    """The clerk states that the scan was compared; without it nothing is accepted."""
    send_personal(client, birth_place="Uppsala")
    change = ProfileChangeRequest.objects.get()
    client.force_login(role_user("clerk"))
    assert decide(client, active, change, "accept", {}).status_code == 400
    assert ProfileChangeRequest.objects.get().is_pending


def test_new_document_replaces_the_old_one_and_its_scan(client, active, role_user, django_capture_on_commit_callbacks):
    """An accepted document change writes the new number, dates and scan; the old scan is deleted."""
    old = Document.objects.get(applicant=active, role="identity")
    old_scan = old.scan.name
    response = client.post(reverse("registration:profile_document"), document_data())
    assert response.status_code == 302, response.context and response.context["form"].errors
    change = ProfileChangeRequest.objects.get()
    assert change.kind == "document" and set(change.proposed) == {"number", "issue_date", "expiry_date", "mrz"}
    client.force_login(role_user("clerk"))
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, active, change, "accept", {f"change{change.pk}-compared": "on"})
    document = Document.objects.get(pk=old.pk)
    assert document.number == "AB7654321" and document.number_last_digits == "4321"
    assert document.issue_date == date(2024, 2, 1) and document.scan.name == change.scan.name
    assert not document.scan.storage.exists(old_scan) and document.scan.storage.exists(change.scan.name)
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.ACTIVE


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({}, None, "no_changes"),
        ({"scan": ""}, "scan", "required"),
        ({"surname": "LINDQVIST"}, "surname_cyrillic", "cyrillic_mismatch"),
        ({"citizenship": "RU"}, "citizenship", "citizenship_russian"),
        ({"patronymic": "IVANOVICH"}, "patronymic_cyrillic", "required"),
    ],
)
def test_refused_personal_changes(client, active, changes, field, code):
    """No change, no scan, or inconsistent names are refused with their codes; nothing is held."""
    response = send_personal(client, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.non_field_errors().as_data() if field is None else form.errors.as_data()[field]
    assert errors[0].code == code
    assert not ProfileChangeRequest.objects.exists()
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.ACTIVE


def test_a_second_change_of_the_same_kind_waits_for_the_first(client, active):
    """While a change waits, the page for another change of that kind sends the person back."""
    send_personal(client, birth_place="Uppsala")
    response = client.get(reverse("registration:profile_personal"))
    assert response.status_code == 302 and response["Location"] == reverse("registration:profile")
    with pytest.raises(flows.ProfileError) as error:
        flows.submit_identity_change(active.account, "personal", {"birth_place": "Lund"}, upload())
    assert error.value.code == "already_pending"


def test_review_ends_with_the_last_of_two_changes(client, active, role_user):
    """With a personal and a document change waiting, the account is active again only after both decisions."""
    send_personal(client, birth_place="Uppsala")
    client.post(reverse("registration:profile_document"), document_data())
    personal, document = (ProfileChangeRequest.objects.get(kind=kind) for kind in ("personal", "document"))
    assert personal.was_active and document.was_active
    clerk = role_user("clerk")
    flows.accept_change(personal, by=clerk)
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.PENDING
    flows.reject_change(document, by=clerk, reason="Wrong number")
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.ACTIVE
    assert Applicant.objects.get(pk=active.pk).birth_place == "Uppsala"
    assert Document.objects.get(applicant=active, role="identity").number == "AB1234567"


def test_pending_applicant_may_correct_data_and_stays_pending(client, make_applicant, role_user):
    """An account not yet confirmed keeps waiting for its identity confirmation after an accepted change."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    send_personal(client, birth_place="Uppsala")
    change = ProfileChangeRequest.objects.get()
    assert not change.was_active
    cabinet = client.get(reverse("registration:cabinet"))
    assert not cabinet.context["under_review"] and cabinet.context["checklist"]
    flows.accept_change(change, by=role_user("clerk"))
    assert Account.objects.get(pk=applicant.account.pk).status == AccountStatus.PENDING
    assert not AuditEvent.objects.filter(action="status.activated").exists()


def test_a_blocked_account_cannot_be_decided_on(active, role_user, superuser):
    """A change of a blocked account is decided only once the block is lifted."""
    change = flows.submit_identity_change(active.account, "personal", {"birth_place": "Uppsala"}, upload())
    status.block(active.account, by=superuser, reason="Fraud suspected")
    with pytest.raises(flows.ProfileError) as error:
        flows.accept_change(change, by=role_user("clerk"))
    assert error.value.code == "account_blocked"
    status.unblock(active.account, by=superuser, reason="Checked")
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.PENDING
    flows.accept_change(change, by=superuser)
    assert Account.objects.get(pk=active.account.pk).status == AccountStatus.ACTIVE


def test_a_decided_change_cannot_be_decided_again(active, role_user):
    """The second decision on the same change is refused."""
    change = flows.submit_identity_change(active.account, "personal", {"birth_place": "Uppsala"}, upload())
    clerk = role_user("clerk")
    flows.reject_change(change, by=clerk, reason="No")
    with pytest.raises(flows.ProfileError) as error:
        flows.accept_change(change, by=clerk)
    assert error.value.code == "not_pending"


def test_queue_filter_lists_applications_with_a_change_to_review(client, active, make_applicant, role_user):
    """The queue's "change requests" filter shows only applications with a change waiting."""
    other = make_applicant()
    flows.submit_identity_change(active.account, "personal", {"birth_place": "Uppsala"}, upload())
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_changelist")
    listed = {row.pk for row in client.get(url, {"changes": "waiting"}).context["cl"].result_list}
    assert listed == {active.pk}
    assert {row.pk for row in client.get(url).context["cl"].result_list} == {active.pk, other.pk}


@pytest.mark.parametrize("role", ["post", "video", "consul", "support"])
def test_only_reviewers_decide_on_changes(client, active, role_user, role):
    """Roles without the review permission get 403 on both actions and see no change scan."""
    change = flows.submit_identity_change(active.account, "personal", {"birth_place": "Uppsala"}, upload())
    client.force_login(role_user(role))
    assert decide(client, active, change, "accept", {f"change{change.pk}-compared": "on"}).status_code == 403
    assert decide(client, active, change, "reject", {f"change{change.pk}-reason": "No"}).status_code == 403
    if role != "video":  # video operators may view scans (they compare faces during the call)
        assert client.get(reverse("registration:profile_change_scan", args=[change.pk])).status_code == 404
    assert ProfileChangeRequest.objects.get().is_pending


def test_another_person_cannot_see_the_change_scan(client, active, make_applicant):
    """The new scan is served to its owner, never to another person (404)."""
    change = flows.submit_identity_change(active.account, "personal", {"birth_place": "Uppsala"}, upload())
    assert client.get(reverse("registration:profile_change_scan", args=[change.pk])).status_code == 200
    client.force_login(make_applicant().account)
    assert client.get(reverse("registration:profile_change_scan", args=[change.pk])).status_code == 404


def test_restore_after_review_only_from_pending(make_applicant):
    """The state machine ends a review only for a pending account, and only with a reason."""
    account = make_applicant().account
    with pytest.raises(status.ReasonRequired):
        status.restore_after_review(account, by=None, reason=" ")
    status.activate(account, by=None)
    with pytest.raises(status.TransitionNotAllowed):
        status.restore_after_review(account, by=None, reason="No change")
