"""The workspace's desks at work: post letters, support answers, blocking, the audit log."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from registration.accounts import status
from registration.accounts.models import AuditEvent, AuditLogIsAppendOnly
from registration.identity import flows, post_letter
from registration.identity.base import ClerkDecision
from registration.identity.models import PostLetter
from registration.identity.service_centre import confirm_in_person
from registration.support.models import SupportMessage, SupportRequest
from tests.registration.identity_fixtures import make_applicant, role_user, superuser

LETTERS = reverse("admin:identity_postletter_changelist")


# --- post letters -----------------------------------------------------------------------------------


def test_print_waiting_letters_gives_one_page_per_letter_with_its_code(client, make_applicant, role_user):
    """The print page carries each letter's code, is never cached, and marks the letters printed."""
    for _ in range(2):
        post_letter.METHOD.start(make_applicant().account, postcode="101000", address="Moscow, Post 1")
    client.force_login(role_user("post"))
    response = client.post(reverse("admin:identity_postletter_print_waiting"))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert len(re.findall(r'class="letter-code">[0-9A-Z]{5}-[0-9A-Z]{5}<', page)) == 2
    assert page.count('<article class="letter" lang="ru">') == 2
    assert set(PostLetter.objects.values_list("state", flat=True)) == {"printed"}
    assert AuditEvent.objects.filter(action="post_letter.printed").count() == 2


def test_printing_with_nothing_waiting_returns_to_the_list(client, role_user):
    """With no letter waiting the operator is sent back with a message."""
    client.force_login(role_user("post"))
    response = client.post(reverse("admin:identity_postletter_print_waiting"))
    assert response.status_code == 302 and response["Location"] == LETTERS


def test_mark_sent_action_tells_the_person(client, make_applicant, role_user):
    """Marking printed letters sent e-mails each person the post office and the code's validity."""
    applicant = make_applicant()
    post_letter.METHOD.start(applicant.account, postcode="101000", address="Moscow, Post 1")
    operator = role_user("post")
    post_letter.print_letters(list(PostLetter.objects.all()), by=operator)
    client.force_login(operator)
    letter = PostLetter.objects.get()
    response = client.post(LETTERS, {"action": "mark_selected_sent", "_selected_action": [letter.pk], "index": 0})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "sent" and letter.sent_by == operator
    message = mail.outbox[-1]
    assert message.to == [applicant.account.email] and "101000" in message.body


def test_letter_list_does_not_show_codes(client, make_applicant, role_user):
    """After printing, the list of letters shows no code (it is kept only as a hash)."""
    post_letter.METHOD.start(make_applicant().account, postcode="101000", address="Moscow, Post 1")
    operator = role_user("post")
    code = post_letter.print_letters(list(PostLetter.objects.all()), by=operator)[0].code
    client.force_login(operator)
    page = client.get(LETTERS).content.decode()
    assert code not in page and code[:5] not in page


# --- blocking from the application page -------------------------------------------------------------


def test_block_and_unblock_from_the_application_page(client, make_applicant, role_user):
    """Blocking and unblocking need a reason, record the clerk and IP, and e-mail the person."""
    applicant = make_applicant()
    clerk = role_user("clerk")
    client.force_login(clerk)
    block = reverse("admin:identity_pendingapplication_block", args=[applicant.pk])
    unblock = reverse("admin:identity_pendingapplication_unblock", args=[applicant.pk])
    assert client.post(block, {"block-reason": ""}).status_code == 400
    assert client.post(block, {"block-reason": "Documents look forged"}, REMOTE_ADDR="203.0.113.9").status_code == 302
    applicant.account.refresh_from_db()
    assert applicant.account.status == "blocked"
    event = AuditEvent.objects.get(account=applicant.account, action="status.blocked")
    assert (event.actor, event.ip_address, event.reason) == (clerk, "203.0.113.9", "Documents look forged")
    assert "Documents look forged" in mail.outbox[-1].body
    assert client.post(unblock, {"block-reason": "Checked in person"}).status_code == 302
    applicant.account.refresh_from_db()
    assert applicant.account.status == "pending"
    with translation.override(applicant.account.preferred_language or settings.LANGUAGE_CODE):
        assert mail.outbox[-1].subject == translation.gettext("Your account is unblocked")


def test_blocked_person_cannot_continue_a_method(client, make_applicant, role_user):
    """A blocked account is sent back to the cabinet from the identity pages, and flows refuse it."""
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    flows.block(applicant.account, by=role_user("clerk"), reason="Fraud")
    client.force_login(applicant.account)
    response = client.get(reverse("registration:identity_method", args=["scan_review"]))
    assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")


# --- support ----------------------------------------------------------------------------------------


@pytest.fixture
def support_request(make_applicant):
    applicant = make_applicant()
    request = SupportRequest.objects.create(account=applicant.account, subject="Blocked", topic="blocked")
    message = SupportMessage.objects.create(request=request, author=applicant.account, body="Why blocked?")
    message.attachment.save("shot.png", ContentFile(b"\x89PNG fake"), save=True)
    return request


def test_support_operator_answers_and_the_person_is_told(client, support_request, role_user):
    """The answer joins the thread as a staff message, sets the status, is audited and e-mailed."""
    operator = role_user("support")
    client.force_login(operator)
    url = reverse("admin:support_supportrequest_answer", args=[support_request.pk])
    response = client.post(url, {"body": "Please visit a service centre.", "status": "waiting"})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == "waiting" and support_request.assigned_to == operator
    answer = support_request.messages.get(from_staff=True)
    assert (answer.author, answer.body) == (operator, "Please visit a service centre.")
    assert AuditEvent.objects.get(action="support.answered").actor == operator
    assert mail.outbox[-1].to == [support_request.account.email]
    assert support_request.number in mail.outbox[-1].subject
    assert "Please visit a service centre." in mail.outbox[-1].body


def test_support_operator_closes_a_request(client, support_request, role_user):
    """Changing the status alone is audited and tells the person."""
    client.force_login(role_user("support"))
    url = reverse("admin:support_supportrequest_status", args=[support_request.pk])
    assert client.post(url, {"status": "resolved"}).status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == "resolved"
    assert AuditEvent.objects.get(action="support.status_changed").data["to"] == "resolved"
    assert len(mail.outbox) == 1


def test_empty_answer_is_refused(client, support_request, role_user):
    """An empty answer re-renders the thread with the error and adds nothing."""
    client.force_login(role_user("support"))
    url = reverse("admin:support_supportrequest_answer", args=[support_request.pk])
    assert client.post(url, {"body": "", "status": "waiting"}).status_code == 400
    assert not support_request.messages.filter(from_staff=True).exists()


def test_support_thread_and_attachment(client, support_request, role_user):
    """The thread shows the person's message; the attachment download is audited."""
    client.force_login(role_user("support"))
    page = client.get(reverse("admin:support_supportrequest_change", args=[support_request.pk]))
    assert "Why blocked?" in page.content.decode()
    message = support_request.messages.get()
    response = client.get(reverse("admin:support_supportrequest_attachment", args=[message.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="support.attachment_viewed").count() == 1


def test_support_queue_lists_open_requests_and_masks_the_email(client, support_request, role_user):
    """Open requests are listed by default with the e-mail masked; resolved ones on request."""
    client.force_login(role_user("support"))
    queue = reverse("admin:support_supportrequest_changelist")
    page = client.get(queue).content.decode()
    assert support_request.number in page and support_request.account.email not in page
    SupportRequest.objects.filter(pk=support_request.pk).update(status="resolved")
    assert support_request.number not in client.get(queue).content.decode()
    assert support_request.number in client.get(queue, {"status": "resolved"}).content.decode()


# --- the audit log ----------------------------------------------------------------------------------


def test_audit_log_cannot_be_changed_or_deleted_through_the_admin(client, make_applicant, superuser):
    """Even a superuser gets 403 on add, change (POST) and delete of an audit event."""
    applicant = make_applicant()
    status.block(applicant.account, by=superuser, reason="Test")
    event = AuditEvent.objects.get(action="status.blocked")
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"reason": "changed"}).status_code == 403
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == "Test"


def test_audit_log_model_api_refuses_changes(make_applicant, superuser):
    """Saving, updating or deleting audit events raises."""
    applicant = make_applicant()
    status.block(applicant.account, by=superuser, reason="Test")
    event = AuditEvent.objects.get(action="status.blocked")
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_superuser_filters_the_audit_log(client, make_applicant, superuser):
    """Superusers filter the log by action and search it by application number."""
    applicant, other = make_applicant(), make_applicant()
    status.block(applicant.account, by=superuser, reason="One")
    status.block(other.account, by=superuser, reason="Two")
    client.force_login(superuser)
    url = reverse("admin:accounts_auditevent_changelist")
    response = client.get(url, {"action": "status.blocked", "q": applicant.application_number})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(AuditEvent.objects.filter(account=applicant.account))


def test_every_status_change_has_its_audit_event(make_applicant, role_user, superuser):
    """Across the flows, each status change is matched by exactly one audit event with its transition."""
    clerk = role_user("clerk")
    seen: list[tuple[str, str]] = []

    def changed(applicant, before: str) -> None:
        applicant.account.refresh_from_db()
        if applicant.account.status != before:
            seen.append((before, applicant.account.status))

    first = make_applicant()
    flows.block(first.account, by=clerk, reason="Check")
    changed(first, "pending")
    flows.unblock(first.account, by=clerk, reason="Checked")
    changed(first, "blocked")
    confirm_in_person(first.account, ClerkDecision(originals=("identity_document",)), by=clerk)
    changed(first, "pending")
    flows.block(first.account, by=clerk, reason="Later fraud")
    changed(first, "active")
    status.unblock(first.account, by=superuser, reason="Cleared")
    changed(first, "blocked")
    transitions = list(
        AuditEvent.objects.filter(account=first.account)
        .exclude(to_status="")
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )
    assert transitions == seen
    assert len(seen) == 5


def test_clerk_sees_the_service_centre_code_once(client, make_applicant, role_user, settings):
    """With codes on, confirming shows the code on an uncached page; the database keeps only its hash."""
    from registration.identity.models import IdentityCode

    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = True
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_confirm", args=[applicant.pk])
    response = client.post(url, {"originals": ["identity_document", "stay_document"]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = response.context["code"]
    assert re.fullmatch(r"\d{8}", code) and code in response.content.decode()
    record = IdentityCode.objects.get()
    assert code not in record.code_hash and record.purpose == "service_centre"
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk]))
    assert code not in page.content.decode()
    assert mail.outbox[-1].to == [applicant.account.email] and code not in mail.outbox[-1].body
