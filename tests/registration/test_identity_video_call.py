"""Video identification: slots, booking (and racing for one), the operator's day view and decision."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.identity import video_call
from registration.identity.base import ClerkDecision, IdentityError
from registration.identity.models import ConfirmationState, VideoSlot
from tests.registration.identity_fixtures import make_applicant, role_user

METHOD = video_call.METHOD
URL = reverse("registration:identity_method", args=["video_call"])
DAY = reverse("admin:identity_videoslot_day")


def _slot(operator, hours: float = 3) -> VideoSlot:
    return VideoSlot.objects.create(operator=operator, starts_at=timezone.now() + timedelta(hours=hours))


def _booked(applicant, slot):
    confirmation = METHOD.start(applicant.account)
    METHOD.book(confirmation, slot, request=None)
    return confirmation


def _start_call(slot: VideoSlot) -> None:
    VideoSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(minutes=5))


def test_person_books_a_slot_from_the_cabinet(client, make_applicant, role_user):
    """Booking starts the method, reserves the slot, audits and e-mails the time."""
    slot = _slot(role_user("video"))
    applicant = make_applicant()
    client.force_login(applicant.account)
    assert str(slot.pk) in client.get(URL).content.decode()
    response = client.post(URL, {"action": "book", "book-slot": slot.pk})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.booked_for.account == applicant.account
    assert AuditEvent.objects.filter(account=applicant.account, action="video.booked").exists()
    assert mail.outbox[-1].to == [applicant.account.email]


def test_a_booked_slot_cannot_be_booked_twice(make_applicant, role_user):
    """The second person racing for a slot gets slot_taken; the first keeps it."""
    slot = _slot(role_user("video"))
    first, second = make_applicant(), make_applicant()
    _booked(first, slot)
    confirmation = METHOD.start(second.account)
    with pytest.raises(IdentityError) as caught:
        METHOD.book(confirmation, slot, request=None)
    assert caught.value.code == "slot_taken"
    slot.refresh_from_db()
    assert slot.booked_for.account == first.account


def test_slot_too_soon_cannot_be_booked(make_applicant, role_user):
    """A slot starting within the booking notice is unavailable."""
    slot = _slot(role_user("video"), hours=0.5)
    confirmation = METHOD.start(make_applicant().account)
    with pytest.raises(IdentityError) as caught:
        METHOD.book(confirmation, slot, request=None)
    assert caught.value.code == "slot_unavailable"


def test_rebooking_frees_the_earlier_slot_and_cancel_frees_it(make_applicant, role_user):
    """Booking another time releases the first; cancelling releases the second."""
    operator = role_user("video")
    first_slot, second_slot = _slot(operator, 3), _slot(operator, 4)
    applicant = make_applicant()
    confirmation = _booked(applicant, first_slot)
    METHOD.book(confirmation, second_slot, request=None)
    first_slot.refresh_from_db()
    assert first_slot.booked_for is None
    METHOD.act("cancel_booking", confirmation, {}, request=None)
    second_slot.refresh_from_db()
    assert second_slot.booked_for is None


def test_operator_confirms_after_the_call(make_applicant, role_user):
    """After the call started, the slot's operator confirms and the account becomes active."""
    operator = role_user("video")
    slot = _slot(operator)
    applicant = make_applicant()
    confirmation = _booked(applicant, slot)
    _start_call(slot)
    outcome = METHOD.complete(confirmation, ClerkDecision(note="Passport shown"), by=operator)
    applicant.account.refresh_from_db()
    assert outcome.activated and applicant.account.status == "active"
    assert AuditEvent.objects.get(account=applicant.account, action="identity.confirmed").actor == operator


def test_decision_before_the_call_is_refused(make_applicant, role_user):
    """The operator cannot decide on a call that has not started."""
    operator = role_user("video")
    confirmation = _booked(make_applicant(), _slot(operator))
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, ClerkDecision(), by=operator)
    assert caught.value.code == "call_not_started"


def test_another_operator_cannot_decide(make_applicant, role_user):
    """Only the operator whose slot it is decides the call."""
    slot = _slot(role_user("video"))
    confirmation = _booked(make_applicant(), slot)
    _start_call(slot)
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, ClerkDecision(), by=role_user("video", "other-video@staff.example.org"))
    assert caught.value.code == "not_your_call"


def test_operator_rejects_with_a_reason(make_applicant, role_user):
    """Rejection needs a reason, keeps the account pending and tells the person."""
    operator = role_user("video")
    slot = _slot(operator)
    applicant = make_applicant()
    confirmation = _booked(applicant, slot)
    _start_call(slot)
    with pytest.raises(IdentityError) as caught:
        METHOD.reject(confirmation, by=operator, reason=" ")
    assert caught.value.code == "reason_required"
    METHOD.reject(confirmation, by=operator, reason="The passport was not shown")
    confirmation.refresh_from_db()
    applicant.account.refresh_from_db()
    assert confirmation.state == ConfirmationState.REJECTED
    assert applicant.account.status == "pending"
    assert "The passport was not shown" in mail.outbox[-1].body


def test_day_view_lists_the_operators_calls_and_decides(client, make_applicant, role_user):
    """The day view shows the operator's own booked calls; its form confirms after the call."""
    operator = role_user("video")
    other = role_user("video", "other-video@staff.example.org")
    mine, theirs = _slot(operator), _slot(other, 5)
    alice, bob = make_applicant(), make_applicant(surname="SMITH", surname_cyrillic="СМИТ")
    _booked(alice, mine)
    _booked(bob, theirs)
    client.force_login(operator)
    day = timezone.localtime(mine.starts_at).date().isoformat()
    page = client.get(DAY, {"date": day}).content.decode()
    assert alice.application_number in page and bob.application_number not in page
    _start_call(mine)
    response = client.post(
        reverse("admin:identity_videoslot_decide", args=[mine.pk]),
        {f"slot{mine.pk}-decision": "confirm", f"slot{mine.pk}-reason": ""},
    )
    assert response.status_code == 302
    alice.account.refresh_from_db()
    assert alice.account.status == "active"


def test_publishing_a_day_of_slots(client, role_user):
    """The publish form creates slots of the chosen length, skipping ones that exist."""
    operator = role_user("video")
    client.force_login(operator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"day": tomorrow.strftime("%d.%m.%Y"), "first": "10:00", "last": "12:00", "length": 30, "meeting_link": ""}
    response = client.post(reverse("admin:identity_videoslot_publish"), data)
    assert response.status_code == 302
    assert VideoSlot.objects.filter(operator=operator).count() == 4
    video_call.publish_slots(operator, tomorrow, time(10), time(12), length_minutes=30)
    assert VideoSlot.objects.filter(operator=operator).count() == 4
