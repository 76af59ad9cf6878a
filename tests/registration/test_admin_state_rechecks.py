"""Every state-changing workspace POST in a wrong state: nothing changes, the clerk reads a refusal, not a success."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from registration.accounts import status
from registration.accounts.models import AccountStatus, AuditEvent
from registration.identity import flows
from registration.identity.models import ConfirmationState, IdentityConfirmation, LetterState, PostLetter, VideoSlot
from registration.profile.models import ChangeState, ProfileChangeRequest
from registration.support.models import SupportRequest, SupportStatus
from tests.registration.identity_fixtures import make_applicant, superuser


def _active(applicant, by):
    status.activate(applicant.account, by=by)
    return applicant


def _decided(applicant, by):
    confirmation = flows.open_confirmation(applicant.account, "scan_review")
    flows.reject(confirmation, by=by, reason="Blurred.")
    return applicant


def _q(name: str, *args) -> str:
    return reverse(f"admin:identity_pendingapplication_{name}", args=args)


def confirm_active(applicant, by):
    return _q("confirm", _active(applicant, by).pk), {"originals": ["passport"]}


def confirm_with_change_waiting(applicant, by):
    _active(applicant, by)
    ProfileChangeRequest.objects.create(account=applicant.account, kind="names", was_active=True)
    status.send_to_review(applicant.account, by=applicant.account, reason="Names changed.")
    return _q("confirm", applicant.pk), {"originals": ["passport"]}


def confirm_scans_active(applicant, by):
    return _q("confirm_scans", _active(applicant, by).pk), {"checks": ["photo"]}


def reject_decided(applicant, by):
    return _q("reject", _decided(applicant, by).pk), {"reject-reason": "Again."}


def request_documents_decided(applicant, by):
    return _q("request_documents", _decided(applicant, by).pk), {"message": "Send more."}


def block_blocked(applicant, by):
    status.block(applicant.account, by=by, reason="Fraud.")
    return _q("block", applicant.pk), {"block-reason": "Again."}


def unblock_active(applicant, by):
    return _q("unblock", _active(applicant, by).pk), {"block-reason": "Why not."}


def issue_code_without_centre(applicant, by):
    flows.open_confirmation(applicant.account, "scan_review")
    return _q("issue_code", applicant.pk), {}


def accept_decided_change(applicant, by):
    change = ProfileChangeRequest.objects.create(
        account=applicant.account, kind="names", state=ChangeState.REJECTED, decided_at=timezone.now()
    )
    return _q("accept_change", applicant.pk, change.pk), {f"change{change.pk}-confirm": "on"}


def reject_decided_change(applicant, by):
    change = ProfileChangeRequest.objects.create(
        account=applicant.account, kind="names", state=ChangeState.ACCEPTED, decided_at=timezone.now()
    )
    return _q("reject_change", applicant.pk, change.pk), {f"change{change.pk}-reason": "No."}


def _letter(applicant, state):
    confirmation = flows.open_confirmation(applicant.account, "post_letter")
    return PostLetter.objects.create(
        confirmation=confirmation, account=applicant.account, postcode="125009", address="Moscow", state=state
    )


def mark_sent_letter_already_sent(applicant, by):
    letter = _letter(applicant, LetterState.SENT)
    url = reverse("admin:identity_postletter_changelist")
    return url, {"action": "mark_selected_sent", "_selected_action": [letter.pk], "index": 0}


def mark_sent_letter_not_printed(applicant, by):
    letter = _letter(applicant, LetterState.PENDING)
    url = reverse("admin:identity_postletter_changelist")
    return url, {"action": "mark_selected_sent", "_selected_action": [letter.pk], "index": 0}


def print_letter_already_sent(applicant, by):
    letter = _letter(applicant, LetterState.SENT)
    url = reverse("admin:identity_postletter_changelist")
    return url, {"action": "print_selected", "_selected_action": [letter.pk], "index": 0}


def decide_call_twice(applicant, by):
    confirmation = flows.open_confirmation(applicant.account, "video_call")
    slot = VideoSlot.objects.create(
        operator=by, starts_at=timezone.now() - timedelta(minutes=30), booked_for=confirmation
    )
    flows.reject(confirmation, by=by, reason="Not the person.")
    return reverse("admin:identity_videoslot_decide", args=[slot.pk]), {
        f"slot{slot.pk}-decision": "confirm",
        f"slot{slot.pk}-reason": "",
    }


def support_same_status(applicant, by):
    thread = SupportRequest.objects.create_numbered(
        account=applicant.account, subject="Help", status=SupportStatus.RESOLVED
    )
    return reverse("admin:support_supportrequest_status", args=[thread.pk]), {"status": SupportStatus.RESOLVED}


def caller_action_without_verification(applicant, by):
    return reverse("admin:registration_caller_lift_lockout", args=[applicant.account.pk]), {}


CASES = [
    confirm_active,
    confirm_with_change_waiting,
    confirm_scans_active,
    reject_decided,
    request_documents_decided,
    block_blocked,
    unblock_active,
    issue_code_without_centre,
    accept_decided_change,
    reject_decided_change,
    mark_sent_letter_already_sent,
    mark_sent_letter_not_printed,
    print_letter_already_sent,
    decide_call_twice,
    support_same_status,
    caller_action_without_verification,
]


def snapshot(applicant) -> tuple:
    """Everything a wrongly accepted action could change: statuses, confirmations, letters, changes, audit."""
    account = applicant.account
    account.refresh_from_db()
    return (
        account.status,
        list(IdentityConfirmation.objects.filter(account=account).values_list("pk", "state", "decided_by")),
        list(PostLetter.objects.filter(account=account).values_list("pk", "state", "code")),
        list(ProfileChangeRequest.objects.filter(account=account).values_list("pk", "state")),
        list(SupportRequest.objects.filter(account=account).values_list("pk", "status")),
        AuditEvent.objects.filter(account=account).count(),
    )


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_post_in_a_wrong_state_changes_nothing_and_says_so(client, make_applicant, superuser, case):
    """Each action re-checks the state on the server: no state change, an error message, never a success."""
    applicant = make_applicant(with_scan=False)
    url, data = case(applicant, superuser)
    client.force_login(superuser)
    before = snapshot(applicant)
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400)
    assert snapshot(applicant) == before
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert levels and min(levels) >= messages.WARNING and messages.SUCCESS not in levels
    if case is confirm_active:
        assert applicant.account.status == AccountStatus.ACTIVE
        assert not IdentityConfirmation.objects.filter(state=ConfirmationState.CONFIRMED).exists()
