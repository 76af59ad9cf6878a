"""The retention rules: how long each kind of personal data is kept, applied in one place.

- abandoned registrations (the wizard's uploads, codes and zone readings; drafts kept on the server
  past ``REGISTRATION_WIZARD_DRAFT_DAYS``): ``registration.onboarding.purge``;
- applications never confirmed (pending, a rejection included) ``REGISTRATION_RETENTION_UNCONFIRMED_DAYS``
  after their last activity: the account is closed and its data erased;
- support threads ``REGISTRATION_RETENTION_SUPPORT_THREAD_DAYS`` after they were resolved (their last
  message): the thread, its messages and attachments;
- closed accounts once ``REGISTRATION_CLOSED_ACCOUNT_HOLD_DAYS`` (the legal hold) have passed: erased;
- draft applications for services untouched for ``REGISTRATION_SERVICE_DRAFT_DAYS``, and rejected ones
  ``REGISTRATION_RETENTION_REJECTED_SERVICE_DAYS`` after the decision: the application, its history and
  its scans;
- the audit log is kept; the erased people's events are anonymised.

Each deletion is audited with the rule, the internal id and the counts, never with what was deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from registration.accounts import audit, status
from registration.accounts.models import Account, AccountStatus
from registration.core.conf import app_settings
from registration.onboarding.purge import purge_abandoned
from registration.privacy import closing, erasure
from registration.privacy.models import Closure, ClosureReason
from registration.services.models import ServiceApplication, Status
from registration.support.models import SupportRequest, SupportStatus

DRAFTS, UNCONFIRMED, SUPPORT, CLOSED = "drafts", "unconfirmed", "support_threads", "closed_accounts"
SERVICE_DRAFTS, REJECTED_SERVICES = "service_drafts", "rejected_services"
#: Every rule, in the order a run applies them.
RULES = (DRAFTS, UNCONFIRMED, SUPPORT, CLOSED, SERVICE_DRAFTS, REJECTED_SERVICES)


@dataclass
class Report:
    """What one run deleted (or would delete), per rule."""

    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, rule: str, found: dict[str, int]) -> None:
        total = self.counts.setdefault(rule, {})
        for kind, number in found.items():
            total[kind] = total.get(kind, 0) + number


def unconfirmed_due(now: datetime) -> models.QuerySet[Account]:
    """Pending (never confirmed, or rejected) applicants with no activity since the cutoff."""
    cutoff = now - timedelta(days=app_settings.RETENTION_UNCONFIRMED_DAYS)
    return (
        Account.objects.filter(
            status=AccountStatus.PENDING, is_staff=False, created_at__lt=cutoff, updated_at__lt=cutoff
        )
        .exclude(last_login__gte=cutoff)
        .exclude(status_changed_at__gte=cutoff)
        .exclude(identity_confirmations__updated_at__gte=cutoff)
        .exclude(profile_changes__submitted_at__gte=cutoff)
        .exclude(support_requests__messages__created_at__gte=cutoff)
        .exclude(support_requests__created_at__gte=cutoff)
        .order_by("pk")
    )


def support_threads_due(now: datetime) -> models.QuerySet[SupportRequest]:
    """Resolved threads whose last message (or creation) is older than the retention period."""
    cutoff = now - timedelta(days=app_settings.RETENTION_SUPPORT_THREAD_DAYS)
    return (
        SupportRequest.objects.filter(status=SupportStatus.RESOLVED, created_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(messages__created_at__gte=cutoff)
        .order_by("pk")
    )


def closed_due(now: datetime) -> models.QuerySet[Closure]:
    """Closed accounts whose legal hold is over and whose data is not erased yet."""
    return Closure.objects.filter(erase_after__lte=now, erased_at__isnull=True).order_by("pk")


def service_drafts_due(now: datetime) -> models.QuerySet[ServiceApplication]:
    """Draft applications for services with no change since the cutoff (an edit of an answer or scan saves the row)."""
    cutoff = now - timedelta(days=app_settings.SERVICE_DRAFT_DAYS)
    return ServiceApplication.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff).order_by("pk")


def rejected_services_due(now: datetime) -> models.QuerySet[ServiceApplication]:
    """Rejected applications for services whose decision is older than the retention period."""
    cutoff = now - timedelta(days=app_settings.RETENTION_REJECTED_SERVICE_DAYS)
    return ServiceApplication.objects.filter(status=Status.REJECTED, decided_at__lt=cutoff).order_by("pk")


def _application_counts(application: ServiceApplication) -> tuple[dict[str, int], list[tuple[Storage, str]]]:
    scans = [attachment.scan for attachment in application.attachments.all() if attachment.scan]
    counts = {
        "service_applications": 1,
        "attachments": application.attachments.count(),
        "status_changes": application.history.count(),
        "files": len(scans),
    }
    return counts, [(stored.storage, stored.name) for stored in scans]


def _delete_application(application: ServiceApplication, rule: str) -> dict[str, int]:
    """Delete one application with its history and scans (the files once the deletion has committed)."""
    counts, files = _application_counts(application)
    with transaction.atomic():
        audit.record(
            "privacy.service_application_deleted",
            account=application.account,
            reason=rule,
            data={"rule": rule, "service": application.service, "application": application.pk, "deleted": counts},
        )
        application.delete()
        transaction.on_commit(lambda: erasure.delete_files(files))
    return counts


def _delete_thread(thread: SupportRequest) -> dict[str, int]:
    files = [message.attachment for message in thread.messages.all() if message.attachment]
    counts = {"support_requests": 1, "support_messages": thread.messages.count(), "files": len(files)}
    with transaction.atomic():
        audit.record(
            "privacy.support_thread_deleted",
            account=thread.account,
            reason=SUPPORT,
            data={"rule": SUPPORT, "thread": thread.pk, "deleted": counts},
        )
        thread.delete()
        names = [(stored.storage, stored.name) for stored in files]
        transaction.on_commit(lambda: erasure.delete_files(names))
    return counts


def close_unconfirmed(account: Account, now: datetime) -> dict[str, int]:
    """Close a never-confirmed application past its time and erase its data at once (no hold: no one asked)."""
    with transaction.atomic():
        status.close(account, by=None, reason=UNCONFIRMED, data={"rule": UNCONFIRMED})
        closing.stop_work_on(account)
        Closure.objects.create(account=account, reason=ClosureReason.UNCONFIRMED, closed_at=now, erase_after=now)
        return erasure.erase(account, rule=UNCONFIRMED)


def apply(*, dry_run: bool = False, now: datetime | None = None) -> Report:
    """Apply every rule once; with ``dry_run``, only count what would go."""
    now = now or timezone.now()
    report = Report(dry_run=dry_run)
    # Uploads of drafts abandoned in a session are unreachable once the session is over.
    purged = purge_abandoned(now - timedelta(seconds=settings.SESSION_COOKIE_AGE), dry_run=dry_run)
    report.add(DRAFTS, purged.counts())
    if not dry_run and any(purged.counts().values()):
        audit.record("privacy.drafts_purged", reason=DRAFTS, data={"rule": DRAFTS, "deleted": purged.counts()})

    for account in unconfirmed_due(now):
        found = erasure.holdings(account).counts() if dry_run else close_unconfirmed(account, now)
        report.add(UNCONFIRMED, {"accounts": 1, **found})

    threads = support_threads_due(now).annotate(message_count=Count("messages"))
    for thread in threads:
        if dry_run:
            files = thread.messages.exclude(Q(attachment="") | Q(attachment__isnull=True)).count()
            found = {"support_requests": 1, "support_messages": thread.message_count, "files": files}
        else:
            found = _delete_thread(thread)
        report.add(SUPPORT, found)

    for closure in closed_due(now).select_related("account"):
        found = erasure.holdings(closure.account).counts() if dry_run else erasure.erase(closure.account, rule=CLOSED)
        report.add(CLOSED, {"accounts": 1, **found})

    for rule, due in ((SERVICE_DRAFTS, service_drafts_due(now)), (REJECTED_SERVICES, rejected_services_due(now))):
        for application in due.select_related("account"):
            found = _application_counts(application)[0] if dry_run else _delete_application(application, rule)
            report.add(rule, found)
    return report
