"""The support thread end to end: requests from the cabinet and typed in for a caller, answers, notes, screenshots."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registration.accounts.models import AuditEvent
from registration.support import desk as support_desk
from registration.support.models import CallerVerificationAlert, SupportMessage, SupportRequest, SupportStatus
from tests.registration.identity_fixtures import make_applicant, role_user, superuser


def screenshot(kind: str = "PNG") -> bytes:
    image = Image.new("RGB", (400, 300), (240, 240, 240))
    for x in range(0, 400, 7):
        image.putpixel((x, 150), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def person(make_applicant):
    return make_applicant("anna@example.org")


def test_a_thread_from_the_cabinet_to_resolution(client, person, role_user):
    """Person asks, operator answers (e-mailed), person replies with a screenshot, a note stays internal, resolved."""
    client.force_login(person.account)
    client.post(reverse("registration:support_new"), {"topic": "access", "body": "I cannot log in."})
    support = SupportRequest.objects.get()
    assert (support.channel, support.status) == ("cabinet", "new")

    operator = role_user("support")
    client.force_login(operator)
    thread = reverse("admin:support_supportrequest_change", args=[support.pk])
    client.post(
        reverse("admin:support_supportrequest_answer", args=[support.pk]),
        {"body": "Which message do you see?", "status": "waiting"},
    )
    assert mail.outbox[-1].to == ["anna@example.org"] and "Which message do you see?" in mail.outbox[-1].body

    client.force_login(person.account)
    detail = reverse("registration:support_detail", args=[support.number])
    upload = SimpleUploadedFile("screen.png", screenshot(), content_type="image/png")
    assert client.post(detail, {"body": "This one.", "screenshot": upload}).status_code == 302
    support.refresh_from_db()
    reply = support.messages.get(body="This one.")
    assert support.status == "new" and reply.attachment and not reply.from_staff

    sent = len(mail.outbox)
    support_desk.add_note(support, by=operator, body="Caller sounded unsure; checked twice.")
    assert len(mail.outbox) == sent  # notes are never e-mailed
    page = client.get(detail).content.decode()
    assert "This one." in page and "checked twice" not in page

    client.force_login(operator)
    staff_page = client.get(thread).content.decode()
    assert "checked twice" in staff_page and "thread-internal" in staff_page
    attachment = client.get(reverse("admin:support_supportrequest_attachment", args=[reply.pk]))
    assert attachment.status_code == 200 and "no-store" in attachment["Cache-Control"]
    client.post(reverse("admin:support_supportrequest_status", args=[support.pk]), {"status": "resolved"})
    support.refresh_from_db()
    assert support.status == "resolved" and str(SupportStatus.RESOLVED.label) in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="support.note_added", actor=operator).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("notes.png", b"just some text, not a picture"),
    ],
)
def test_reply_screenshots_follow_the_image_rules(client, person, name, content):
    """Only a real JPEG or PNG picture is accepted as a screenshot; anything else is refused with an error."""
    support = SupportRequest.objects.create(account=person.account, subject="Help")
    client.force_login(person.account)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(
        reverse("registration:support_detail", args=[support.number]), {"body": "Hi", "screenshot": upload}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["screenshot"]
    assert errors[0].code.startswith("scan_")
    assert not SupportMessage.objects.filter(request=support).exists()


def test_operator_types_in_a_request_for_a_caller(client, person, role_user):
    """The add form finds the account exactly; the request is the person's, received by phone, in progress."""
    operator = role_user("support")
    client.force_login(operator)
    add = reverse("admin:support_supportrequest_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "account": " ".join([person.application_number[:5], person.application_number[5:]]),
            "topic": "blocked",
            "body": "Caller says the account is blocked after travel.\nWants to know why.",
            "screenshot": SimpleUploadedFile("s.png", screenshot(), content_type="image/png"),
        },
    )
    support = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{support.pk}/change/")
    assert (support.account, support.channel, support.status, support.topic) == (
        person.account,
        "phone",
        "in_progress",
        "blocked",
    )
    assert support.subject == "Caller says the account is blocked after travel." and support.assigned_to == operator
    first = support.messages.get()
    assert first.from_staff and first.author == operator and first.attachment
    event = AuditEvent.objects.get(action="support.opened_for_caller")
    assert event.actor == operator and event.data == {"request": support.number, "topic": "blocked"}

    client.force_login(person.account)
    listing = client.get(reverse("registration:support_list")).content.decode()
    assert support.number in listing


@pytest.mark.parametrize("term", ["nobody@example.org", "+79990000000", "0000000000", "Eriksson"])
def test_add_form_refuses_an_account_it_cannot_find_exactly(client, person, role_user, term):
    """Anything but an exact application number, e-mail or phone finds nothing, and nothing is opened."""
    client.force_login(role_user("support"))
    response = client.post(
        reverse("admin:support_supportrequest_add"), {"account": term, "topic": "access", "body": "Help"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["account"][0].code == "not_found"
    assert not SupportRequest.objects.exists()


def test_add_form_never_opens_a_request_on_a_staff_account(client, role_user):
    """Staff accounts are not found by the desk: a preset staff account is not found (404)."""
    operator = role_user("support")
    client.force_login(operator)
    assert client.get(reverse("admin:support_supportrequest_add"), {"account": operator.pk}).status_code == 404
    response = client.post(
        reverse("admin:support_supportrequest_add"), {"account": operator.email, "topic": "access", "body": "x"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["clerk", "post", "video", "consul"])
def test_other_roles_cannot_open_requests_for_callers(client, person, role_user, role):
    """Only support operators (and superusers) type in requests for callers."""
    client.force_login(role_user(role))
    response = client.post(
        reverse("admin:support_supportrequest_add"),
        {"account": person.account.email, "topic": "access", "body": "Help"},
    )
    assert response.status_code == 403
    assert not SupportRequest.objects.exists()


def test_supervisors_are_told_of_alerts_on_the_desk(client, person, make_account):
    """Support supervisors see a message about alerts waiting; plain operators do not see the alerts."""
    from django.utils import timezone

    CallerVerificationAlert.objects.create(account=person.account, failures=3, locked_until=timezone.now())
    supervisor = make_account("chief@staff.example.org", is_staff=True, phone=None)
    supervisor.groups.add(Group.objects.get(name="Support supervisors"))
    type(supervisor).objects.filter(pk=supervisor.pk).update(preferred_language="en")
    client.force_login(supervisor)
    response = client.get(reverse("admin:support_supportrequest_changelist"))
    assert any("alert" in str(message) for message in response.context["messages"])
    assert client.get(reverse("admin:support_callerverificationalert_changelist")).status_code == 200
