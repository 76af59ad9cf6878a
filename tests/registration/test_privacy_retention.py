"""The retention rules: each deletes what is due and nothing that is not, files included, audited without data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from registration.accounts.models import Account, AccountStatus, Applicant, AuditEvent, Consent
from registration.codes.models import OneTimeCode
from registration.identity.models import IdentityConfirmation, RequestedScan
from registration.privacy import erasure, retention
from registration.privacy.models import Closure
from registration.profile.models import ProfileChangeRequest
from registration.support.models import SupportMessage, SupportRequest, SupportStatus
from tests.registration.identity_fixtures import make_applicant
from tests.registration.privacy_fixtures import make_person, stored

DAY = timedelta(days=1)


def set_last_activity(account: Account, when) -> None:
    """Every trace of activity of ``account`` at ``when``."""
    Account.objects.filter(pk=account.pk).update(
        created_at=when, updated_at=when, last_login=when, status_changed_at=None
    )
    IdentityConfirmation.objects.filter(account=account).update(started_at=when, updated_at=when)
    ProfileChangeRequest.objects.filter(account=account).update(submitted_at=when)
    SupportRequest.objects.filter(account=account).update(created_at=when, updated_at=when)
    SupportMessage.objects.filter(request__account=account).update(created_at=when)


def personal_strings(person) -> list[str]:
    account = person.account
    return [account.email, account.phone, "ERIKSSON", "192.0.2.7", "198.51.100.9", "Forged visa", "AB1234567"]


def assert_erased(person, email: str, phone: str) -> None:
    account = Account.objects.get(pk=person.account.pk)
    assert account.status == AccountStatus.CLOSED
    assert account.email == f"closed-{account.pk}@closed.invalid" and account.phone is None
    assert not account.has_usable_password() and not account.is_active
    assert not Applicant.objects.filter(account=account).exists()
    for model in (Consent, IdentityConfirmation, ProfileChangeRequest, SupportRequest):
        assert not model.objects.filter(account=account).exists(), model
    assert not RequestedScan.objects.filter(request__account=account).exists()
    assert not OneTimeCode.objects.filter(account=account).exists()
    for name in person.files:
        assert not stored(name), name
    # The audit log keeps every event about the account, none with its data.
    events = AuditEvent.objects.filter(account=account)
    assert events.filter(action="status.blocked").exists()
    text = json.dumps(list(events.values("reason", "ip_address", "data")), default=str)
    for value in (email, phone, "ERIKSSON", "192.0.2.7", "Forged visa", "AB1234567"):
        assert value not in text
    assert all(event.anonymised for event in events.exclude(action="privacy.erased"))


@pytest.mark.django_db(transaction=True)
def test_a_never_confirmed_application_goes_a_year_after_its_last_activity_not_a_day_before(make_person, settings):
    """Pending for 365 days and a bit: closed and erased, files gone; 364 days: kept with everything."""
    settings.REGISTRATION_RETENTION_UNCONFIRMED_DAYS = 365
    due, kept = make_person("due@example.org"), make_person("kept@example.org", passport_number="CD7654321")
    email, phone = due.account.email, due.account.phone
    now = timezone.now()
    set_last_activity(due.account, now - 365 * DAY - timedelta(minutes=1))
    set_last_activity(kept.account, now - 364 * DAY)

    report = retention.apply()

    assert report.counts[retention.UNCONFIRMED]["accounts"] == 1
    assert_erased(due, email, phone)
    assert Closure.objects.get(account=due.account).erased_at is not None
    assert Applicant.objects.filter(account=kept.account).exists()
    assert all(stored(name) for name in kept.files)
    assert Account.objects.get(pk=kept.account.pk).status == AccountStatus.PENDING
    event = AuditEvent.objects.get(action="privacy.erased", account=due.account)
    assert event.data["rule"] == "unconfirmed" and event.data["deleted"]["accounts.applicant"] == 1
    assert event.data["deleted"]["files"] == len(due.files)


@pytest.mark.django_db(transaction=True)
def test_recent_activity_of_any_kind_keeps_an_old_application(make_person, settings):
    """An old account whose identity confirmation or support thread moved within the year stays."""
    settings.REGISTRATION_RETENTION_UNCONFIRMED_DAYS = 365
    old = timezone.now() - 800 * DAY
    by_confirmation, by_support = (
        make_person("a@example.org"),
        make_person("b@example.org", passport_number="CD7654321"),
    )
    set_last_activity(by_confirmation.account, old)
    set_last_activity(by_support.account, old)
    IdentityConfirmation.objects.filter(account=by_confirmation.account).update(updated_at=timezone.now() - 10 * DAY)
    SupportMessage.objects.filter(request__account=by_support.account).update(created_at=timezone.now() - 10 * DAY)
    assert retention.apply().counts.get(retention.UNCONFIRMED, {}) == {}
    assert Applicant.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_confirmed_blocked_and_staff_accounts_are_never_taken_for_unconfirmed(make_person, clerk, settings):
    """Only pending accounts count as never confirmed."""
    from registration.accounts import status

    person = make_person()
    status.activate(person.account, by=clerk)
    set_last_activity(person.account, timezone.now() - 900 * DAY)
    set_last_activity(clerk, timezone.now() - 900 * DAY)
    assert retention.unconfirmed_due(timezone.now()).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_resolved_support_thread_goes_three_years_after_its_last_message(make_person, settings):
    """Resolved and quiet for 1095 days: the thread, its messages and attachment go; 1094 days, or open: kept."""
    settings.REGISTRATION_RETENTION_SUPPORT_THREAD_DAYS = 1095
    person = make_person()
    account = person.account
    due = SupportRequest.objects.get(account=account)
    recent = SupportRequest.objects.create_numbered(
        account=account, subject="Later question", status=SupportStatus.RESOLVED
    )
    still_open = SupportRequest.objects.create_numbered(account=account, subject="Open one")
    now = timezone.now()
    for thread, days in ((due, 1095.01), (recent, 1094), (still_open, 2000)):
        when = now - days * DAY
        SupportRequest.objects.filter(pk=thread.pk).update(created_at=when, updated_at=when)
        SupportMessage.objects.filter(request=thread).update(created_at=when)
    SupportRequest.objects.filter(pk__in=[due.pk, recent.pk]).update(status=SupportStatus.RESOLVED)
    attachment = SupportMessage.objects.get(request=due, attachment__gt="").attachment.name
    assert stored(attachment)

    dry = retention.apply(dry_run=True)
    assert dry.counts[retention.SUPPORT] == {"support_requests": 1, "support_messages": 3, "files": 1}
    assert SupportRequest.objects.filter(pk=due.pk).exists() and stored(attachment)

    retention.apply()
    assert not SupportRequest.objects.filter(pk=due.pk).exists()
    assert not SupportMessage.objects.filter(request_id=due.pk).exists()
    assert not stored(attachment)
    assert set(SupportRequest.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    event = AuditEvent.objects.get(action="privacy.support_thread_deleted")
    assert event.data == {
        "rule": "support_threads",
        "thread": due.pk,
        "deleted": {"support_requests": 1, "support_messages": 3, "files": 1},
    }
    assert "visa" not in json.dumps(event.data) and event.reason == "support_threads"
    # The rest of the person's data is untouched.
    assert Applicant.objects.filter(account=account).exists() and all(
        stored(name) for name in person.files if name != attachment
    )


@pytest.mark.django_db(transaction=True)
def test_a_closed_account_is_erased_when_the_legal_hold_is_over_not_before(make_person, settings):
    """Erased once ``erase_after`` has passed; a closure still within its hold keeps everything."""
    from registration.privacy import closing

    due, held = make_person("due@example.org"), make_person("held@example.org", passport_number="CD7654321")
    email, phone = due.account.email, due.account.phone
    closing.close_account(due.account)
    closing.close_account(held.account)
    now = timezone.now()
    Closure.objects.filter(account=due.account).update(erase_after=now - timedelta(seconds=1))
    Closure.objects.filter(account=held.account).update(erase_after=now + timedelta(minutes=5))

    retention.apply()

    assert_erased(due, email, phone)
    assert Applicant.objects.filter(account=held.account).exists()
    assert all(stored(name) for name in held.files)
    assert Closure.objects.get(account=held.account).erased_at is None
    # Erased once: a second run finds nothing more.
    assert retention.apply().counts.get(retention.CLOSED, {}) == {}


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_counts_and_changes_nothing(make_person, settings, capsys):
    """``apply_retention --dry-run`` prints the counts per rule; every row and file stays."""
    person = make_person()
    set_last_activity(person.account, timezone.now() - 400 * DAY)
    events = AuditEvent.objects.count()
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would delete (unconfirmed): accounts 1" in out
    assert f"files {len(person.files)}" in out
    assert Applicant.objects.filter(account=person.account).exists()
    assert all(stored(name) for name in person.files)
    assert AuditEvent.objects.count() == events
    call_command("apply_retention")
    assert "Deleted (unconfirmed): accounts 1" in capsys.readouterr().out
    assert not Applicant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_abandoned_drafts_are_purged_by_the_same_run_and_audited(settings, wizard_storage):
    """The wizard's rule is reused: an old abandoned upload goes, counted in an audit event."""
    import os

    from django.core.files.base import ContentFile

    from registration.onboarding.storage import DRAFTS_FOLDER

    name = wizard_storage.save(f"{DRAFTS_FOLDER}/abandoned/scan.png", ContentFile(b"scan"))
    path = wizard_storage.path(name) if hasattr(wizard_storage, "path") else None
    if path is None:
        pytest.skip("the wizard storage has no local path")
    old = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(path, (old, old))
    report = retention.apply()
    assert report.counts[retention.DRAFTS]["uploads"] == 1
    assert not wizard_storage.exists(name)
    event = AuditEvent.objects.get(action="privacy.drafts_purged")
    assert event.data["deleted"]["uploads"] == 1 and event.account is None


def test_the_task_runs_the_rules(db, settings):
    """The enqueue-able task applies the rules (run here by the immediate backend)."""
    from registration.privacy.tasks import apply_retention

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = apply_retention.enqueue()
    assert set(result.return_value) == {"drafts"}


def test_every_relation_to_the_account_is_erased_or_deliberately_kept():
    """A model with a foreign key to Account must be covered: erased with the person, or in ``KEPT``."""
    from django.db.models import CASCADE, SET_NULL

    kept = {model._meta.label for model in erasure.KEPT}
    for relation in erasure._relations(Account):
        if relation.related_model._meta.label in kept:
            continue
        assert relation.on_delete in (CASCADE, SET_NULL), relation
