"""Applications for the portal's services (a stay registration, a residence permit), their scans and history.

An application's status changes only through ``registration.services.flows`` (which locks the row,
checks the transition and writes the history). The person's answers are kept as typed, per step, in
one encrypted JSON document: a draft is resumed from the database on any device.
"""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account
from registration.core.crypto import EncryptedTextField
from registration.documents.models import IssuedDocument


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for the fee to be paid")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    # (Short: the audit log keeps statuses in 16 characters.)
    CHANGES_REQUESTED = "changes_needed", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    # The account was closed while the application was under way: nothing more is done with it.
    WITHDRAWN = "withdrawn", _("Withdrawn (account closed)")


#: Statuses of an application still under way: one per service and account at a time.
OPEN_STATUSES = (
    Status.DRAFT,
    Status.AWAITING_PAYMENT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
)
#: Statuses in which the person may change the answers and scans.
EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
#: Statuses the migration-office desk works on.
DESK_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)


def scans_storage():  # type: ignore[no-untyped-def]
    """The private, encrypted storage of scans (``STORAGES["scans"]``): never served by URL."""
    return storages["scans"]


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A random path: the person's file name never reaches the file system."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".pdf", ".jpg", ".jpeg", ".png"}:
        suffix = ""
    return f"services/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def new_number() -> str:
    """Ten random digits after the year: readable on the phone, impossible to guess or enumerate."""
    return f"{timezone.now():%Y}-{secrets.randbelow(9 * 10**9) + 10**9}"


class ServiceApplication(models.Model):
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="service_applications"
    )
    service = models.CharField(_("service"), max_length=32)
    number = models.CharField(_("number"), max_length=20, unique=True, default=new_number, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The answers as typed, per step ({"address": {"region": ["77"], …}, …}): personal data, encrypted.
    answers = EncryptedTextField(_("answers"), default="{}")
    # The steps whose answers passed their checks when last sent.
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What the person reads: the officer's request for changes or the reason of a refusal.
    decision_reason = EncryptedTextField(_("message to the person"), blank=True)
    officer = models.ForeignKey(
        Account,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        IssuedDocument,
        verbose_name=_("issued document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("extends"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extensions",
    )
    # The end of what was granted (a stay registration's last day): reminders and expiry read it.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # Raised by every status change: a decision made on a stale page is refused.
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")
        ordering = ["-created_at"]
        permissions = [("decide_serviceapplication", "Can decide on applications for services")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "service"],
                condition=Q(status__in=OPEN_STATUSES),
                name="services_one_open_application",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at", "id"], name="services_queue"),
            models.Index(fields=["service", "status", "submitted_at", "id"], name="services_queue_service"),
            models.Index(fields=["status", "valid_until"], name="services_valid_until"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_answers(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.answers or "{}")
        return value

    def set_answers(self, answers: dict[str, Any]) -> None:
        self.answers = json.dumps(answers, ensure_ascii=False, sort_keys=True)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Attachment(models.Model):
    """A scan the service requires (``code`` names which), checked by ``validators.scans`` and encrypted."""

    application = models.ForeignKey(
        ServiceApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    code = models.CharField(_("document"), max_length=32)
    scan = models.FileField(_("scan"), storage=scans_storage, upload_to=attachment_upload_to, max_length=200)
    scan_name = models.CharField(_("scan file name"), max_length=255, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=16, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size in bytes"), default=0)
    scan_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="services_one_scan_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} {self.code}"


class StatusChange(models.Model):
    """One step of an application's history, shown to the person and to the desk."""

    application = models.ForeignKey(
        ServiceApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        Account, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = EncryptedTextField(_("message"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"
