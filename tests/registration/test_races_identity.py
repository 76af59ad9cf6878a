"""Identity flows under ten simultaneous requests on PostgreSQL: one winner (or exactly the limit), clean refusals."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import connection
from django.utils import timezone

from registration.accounts.models import Account, AccountStatus, AuditEvent
from registration.identity import flows, post_letter, video_call
from registration.identity.models import (
    OPEN_STATES,
    ConfirmationState,
    DocumentRequest,
    IdentityConfirmation,
    PostLetter,
    RequestState,
    VideoSlot,
)
from tests.registration.identity_fixtures import make_applicant  # noqa: F401 (fixture)
from tests.registration.race_helpers import WAYS, postgres_race, together

pytestmark = postgres_race


def _pending(make_applicant, email: str = "anna@example.org") -> Account:  # noqa: F811
    return make_applicant(email, with_scan=False).account


def _ask_for_letter(account_pk: int) -> PostLetter:
    return post_letter.METHOD.start(
        Account.objects.get(pk=account_pk), postcode="125009", address="Moscow, Tverskaya st., 7"
    )


def test_ten_letter_requests_at_once_give_one_letter(make_applicant):  # noqa: F811
    """The 24-hour interval holds under a burst: one letter is queued, nine requests are refused as too soon."""
    account = _pending(make_applicant)
    outcomes = together(lambda _i: _ask_for_letter(account.pk))
    assert outcomes.codes() == ["letter_too_soon"] * (WAYS - 1)
    assert len(outcomes.results) == 1
    assert PostLetter.objects.filter(account=account).count() == 1
    assert IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES).count() == 1
    assert connection.vendor == "postgresql"


def test_ten_letter_requests_at_once_stop_at_the_period_limit(make_applicant, settings):  # noqa: F811
    """Without the interval, the per-period limit of 3 letters holds exactly: three letters, seven refusals."""
    settings.REGISTRATION_POST_LETTER_INTERVAL_HOURS = 0
    account = _pending(make_applicant)
    outcomes = together(lambda _i: _ask_for_letter(account.pk))
    assert outcomes.codes() == ["letter_limit"] * (WAYS - 3)
    assert PostLetter.objects.filter(account=account).count() == 3


def test_ten_method_choices_at_once_leave_one_open_confirmation(make_applicant):  # noqa: F811
    """identity_one_open_confirmation_per_account and the account lock: each choice replaces the last."""
    account = _pending(make_applicant)
    methods = ["video_call", "scan_review"]
    outcomes = together(
        lambda i: flows.open_confirmation(Account.objects.get(pk=account.pk), methods[i % 2]),
    )
    assert outcomes.errors == []
    assert IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES).count() == 1
    assert IdentityConfirmation.objects.filter(account=account, state=ConfirmationState.CANCELLED).count() == WAYS - 1


def _slots(operator: Account, count: int) -> list[VideoSlot]:
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return [
        VideoSlot.objects.create(operator=operator, starts_at=start + timedelta(minutes=20 * n)) for n in range(count)
    ]


def test_ten_people_booking_one_slot_one_wins(make_applicant, make_account):  # noqa: F811
    """One person per slot: the conditional update lets one booking in, nine are told the slot is taken."""
    operator = make_account("video@staff.example.org", is_staff=True, phone=None)
    (slot,) = _slots(operator, 1)
    confirmations = [
        flows.open_confirmation(_pending(make_applicant, f"person{n}@example.org"), "video_call") for n in range(WAYS)
    ]

    def book(i: int):
        confirmation = IdentityConfirmation.objects.select_related("account").get(pk=confirmations[i].pk)
        return video_call.METHOD.book(confirmation, VideoSlot.objects.get(pk=slot.pk), request=None)

    outcomes = together(book)
    assert outcomes.codes() == ["slot_taken"] * (WAYS - 1)
    assert len(outcomes.results) == 1
    slot.refresh_from_db()
    assert slot.booked_for_id in {c.pk for c in confirmations}


def test_one_person_booking_ten_slots_at_once_holds_one(make_applicant, make_account, settings):  # noqa: F811
    """One booking per person: ten simultaneous bookings by one person leave exactly one slot booked for them."""
    settings.REGISTRATION_RATE_LIMITS = {"video_booking": "100/1h"}
    operator = make_account("video@staff.example.org", is_staff=True, phone=None)
    slots = _slots(operator, WAYS)
    confirmation = flows.open_confirmation(_pending(make_applicant), "video_call")

    def book(i: int):
        mine = IdentityConfirmation.objects.select_related("account").get(pk=confirmation.pk)
        return video_call.METHOD.book(mine, VideoSlot.objects.get(pk=slots[i].pk), request=None)

    outcomes = together(book)
    assert outcomes.errors == []
    assert VideoSlot.objects.filter(booked_for=confirmation).count() == 1


def test_ten_publications_of_one_day_at_once_make_each_slot_once(make_account):
    """A double-posted publication never hits identity_video_slot_unique_start: each slot exists once."""
    operator = make_account("video@staff.example.org", is_staff=True, phone=None)
    day = timezone.localdate() + timedelta(days=2)
    outcomes = together(
        lambda _i: video_call.publish_slots(Account.objects.get(pk=operator.pk), day, time(9), time(12))
    )
    assert outcomes.errors == []
    assert sorted(len(created) for created in outcomes.results) == [0] * (WAYS - 1) + [9]
    assert VideoSlot.objects.filter(operator=operator).count() == 9


def test_ten_decisions_at_once_on_one_confirmation_make_one(make_applicant, make_account):  # noqa: F811
    """Confirm and reject posted together: one decision is taken and audited, the others are refused as stale."""
    clerk = make_account("clerk@staff.example.org", is_staff=True, phone=None)
    account = _pending(make_applicant)
    confirmation = flows.open_confirmation(account, "scan_review")

    def decide(i: int):
        mine = IdentityConfirmation.objects.select_related("account").get(pk=confirmation.pk)
        if i % 2:
            return flows.reject(mine, by=clerk, reason="The scan is blurred.")
        return flows.confirm(mine, by=clerk)

    outcomes = together(decide)
    assert len(outcomes.results) == 1
    assert set(outcomes.codes()) <= {"wrong_state", "not_pending"} and len(outcomes.errors) == WAYS - 1
    decisions = AuditEvent.objects.filter(account=account, action__in=["identity.confirmed", "identity.rejected"])
    assert decisions.count() == 1
    confirmation.refresh_from_db()
    account.refresh_from_db()
    assert (confirmation.state == ConfirmationState.CONFIRMED) == (account.status == AccountStatus.ACTIVE)


def test_ten_document_requests_at_once_leave_one_open(make_applicant, make_account):  # noqa: F811
    """identity_one_open_document_request: each request replaces the open one, never two open at once."""
    clerk = make_account("clerk@staff.example.org", is_staff=True, phone=None)
    confirmation = flows.open_confirmation(_pending(make_applicant), "scan_review")

    def ask(i: int):
        mine = IdentityConfirmation.objects.select_related("account").get(pk=confirmation.pk)
        return flows.request_documents(mine, by=clerk, message=f"Send page {i} of the passport.")

    outcomes = together(ask)
    assert outcomes.errors == []
    assert DocumentRequest.objects.filter(confirmation=confirmation, state=RequestState.OPEN).count() == 1
    assert DocumentRequest.objects.filter(confirmation=confirmation).count() == WAYS


def test_one_live_code_per_subject_under_ten_issues():
    """The code service's partial unique constraint: ten simultaneous issues leave exactly one live code."""
    from registration.codes import service
    from registration.codes.models import OneTimeCode

    outcomes = together(lambda _i: service.issue("service_centre", "account:1"))
    assert outcomes.errors == []
    assert service.live("service_centre", "account:1").count() == 1
    assert OneTimeCode.objects.filter(purpose="service_centre").count() == WAYS
