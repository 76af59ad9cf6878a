"""The account state machine: allowed transitions, refusals, and the audit trail of each change."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from registration.accounts import status
from registration.accounts.models import Account, AccountStatus, AuditEvent, StatusChangeOutsideStateMachine


def test_new_account_is_pending(make_account):
    """A freshly registered account waits for identity confirmation."""
    assert make_account().status == AccountStatus.PENDING


def test_activate_records_who_when_and_why(make_account, clerk):
    """Activation changes the status in the database and appends an audit event with the clerk."""
    account = make_account()
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    event = status.activate(account, by=clerk, reason="Originals checked", request=request, method="service_centre")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.status_changed_at is not None
    assert (event.action, event.actor, event.account) == ("status.activated", clerk, account)
    assert (event.from_status, event.to_status) == ("pending", "active")
    assert event.ip_address == "192.0.2.7"
    assert event.data == {"method": "service_centre"}


def test_activate_twice_is_refused(make_account, clerk):
    """An active account cannot be activated again: the second call changes nothing."""
    account = make_account()
    status.activate(account, by=clerk)
    with pytest.raises(status.TransitionNotAllowed):
        status.activate(account, by=clerk)
    assert AuditEvent.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("start", ["pending", "active"])
def test_block_then_unblock_returns_to_previous_status(make_account, clerk, start):
    """Unblocking restores the status the account had when it was blocked."""
    account = make_account()
    if start == "active":
        status.activate(account, by=clerk)
    status.block(account, by=clerk, reason="Suspicious documents")
    assert Account.objects.get(pk=account.pk).status == "blocked"
    assert Account.objects.get(pk=account.pk).status_reason == "Suspicious documents"
    status.unblock(account, by=clerk, reason="Documents verified")
    assert Account.objects.get(pk=account.pk).status == start
    actions = list(AuditEvent.objects.filter(account=account).order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["status.blocked", "status.unblocked"]


def test_block_needs_a_reason(make_account, clerk):
    """A block without a reason is refused before anything changes."""
    account = make_account()
    with pytest.raises(status.ReasonRequired):
        status.block(account, by=clerk, reason="  ")
    with pytest.raises(status.ReasonRequired):
        status.unblock(account, by=clerk, reason="")
    assert Account.objects.get(pk=account.pk).status == "pending"


def test_unblock_of_unblocked_account_is_refused(make_account, clerk):
    """Only a blocked account can be unblocked."""
    with pytest.raises(status.TransitionNotAllowed):
        status.unblock(make_account(), by=clerk, reason="no")


def test_blocked_account_cannot_be_activated(make_account, clerk):
    """Activation of a blocked account must go through unblocking first."""
    account = make_account()
    status.block(account, by=clerk, reason="Fraud check")
    with pytest.raises(status.TransitionNotAllowed):
        status.activate(account, by=clerk)


def test_send_to_review_only_from_active(make_account, clerk):
    """Changed identity data sends an active account back to pending; a pending one is refused."""
    account = make_account()
    with pytest.raises(status.TransitionNotAllowed):
        status.send_to_review(account, by=account, reason="Name changed")
    status.activate(account, by=clerk)
    status.send_to_review(account, by=account, reason="Name changed")
    assert Account.objects.get(pk=account.pk).status == "pending"
    with pytest.raises(status.ReasonRequired):
        status.send_to_review(account, by=account, reason="")


def test_direct_assignment_of_status_is_refused(make_account):
    """Code that sets status and saves bypasses the audit log, so the model refuses it."""
    account = Account.objects.get(pk=make_account().pk)
    account.status = AccountStatus.ACTIVE
    with pytest.raises(StatusChangeOutsideStateMachine):
        account.save()
    assert Account.objects.get(pk=account.pk).status == "pending"


def test_instance_kept_in_sync_after_transition(make_account, clerk):
    """After a transition the same instance can be saved again without tripping the guard."""
    account = make_account()
    status.activate(account, by=clerk)
    account.preferred_language = "en"
    account.save()
    assert Account.objects.get(pk=account.pk).preferred_language == "en"


def test_every_status_change_has_its_audit_event(make_account, clerk):
    """Each transition appends exactly one event whose to_status is the new status."""
    account = make_account()
    steps = [
        lambda: status.activate(account, by=clerk),
        lambda: status.block(account, by=clerk, reason="r"),
        lambda: status.unblock(account, by=clerk, reason="r"),
        lambda: status.send_to_review(account, by=clerk, reason="r"),
    ]
    for step in steps:
        before = AuditEvent.objects.filter(account=account).count()
        step()
        account.refresh_from_db()
        last = AuditEvent.objects.filter(account=account).first()
        assert AuditEvent.objects.filter(account=account).count() == before + 1
        assert last.to_status == account.status
