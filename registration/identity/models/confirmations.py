"""Identity confirmation: one record per attempt to confirm a person's identity, and what each method keeps.

The method of a confirmation is a plain string (the registry's code), not a database enumeration, so
that adding a method needs no migration. Nothing here holds a one-time code in clear, a private key
or a password.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Applicant, scan_upload_to, scans_storage
from registration.codes.models import CodePurpose, OneTimeCode, OneTimeCodeQuerySet


class ConfirmationState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DOCUMENTS_REQUESTED = "documents_requested", _("Further documents requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled (another method chosen)")


OPEN_STATES = (ConfirmationState.IN_PROGRESS, ConfirmationState.DOCUMENTS_REQUESTED)


class IdentityConfirmation(models.Model):
    """One attempt to confirm an account holder's identity by one method."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="identity_confirmations",
    )
    method = models.CharField(_("method"), max_length=32, db_index=True)
    state = models.CharField(
        _("state"), max_length=24, choices=ConfirmationState.choices, default=ConfirmationState.IN_PROGRESS
    )
    centre = models.ForeignKey(
        "identity.ServiceCentre",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="identity_confirmations",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="identity_decisions",
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Shown to the person when rejected."))
    # What was checked (for example which originals): codes only, never personal data.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("identity confirmation")
        verbose_name_plural = _("identity confirmations")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(state__in=["in_progress", "documents_requested"]),
                name="identity_one_open_confirmation_per_account",
            ),
        ]
        indexes = [models.Index(fields=["method", "state"], name="identity_method_state")]
        # The clerks' actions, granted to role groups (see the migration that creates the groups).
        permissions = [
            ("view_scan", _("Can view identity-document scans")),
            ("confirm_identity", _("Can confirm identity after checking originals or scans")),
            ("reject_identity", _("Can reject an identity confirmation")),
            ("request_documents", _("Can request further documents")),
            ("block_account", _("Can block and unblock accounts")),
            ("issue_identity_code", _("Can issue a service-centre confirmation code")),
            ("print_post_letters", _("Can print post letters and mark them sent")),
            ("conduct_video_calls", _("Can publish video slots and decide after calls")),
            ("issue_consulate_code", _("Can issue a consulate code for a passport number")),
            ("answer_support", _("Can answer support requests")),
        ]

    def __str__(self) -> str:
        return f"{self.method} #{self.pk} ({self.state})"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # The queue's copy of the shown method and centre changes in the same transaction.
        from registration.identity import queue_columns

        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            queue_columns.refresh(self.account_id)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


IDENTITY_CODE_PURPOSES = (CodePurpose.SERVICE_CENTRE, CodePurpose.POST_LETTER, CodePurpose.CONSULATE)


class IdentityCodeManager(models.Manager.from_queryset(OneTimeCodeQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OneTimeCodeQuerySet:
        return super().get_queryset().filter(purpose__in=IDENTITY_CODE_PURPOSES)


class IdentityCode(OneTimeCode):
    """The identity codes (service centre, post letter, consulate) among the one-time codes, for the clerks' desks."""

    objects: ClassVar[IdentityCodeManager] = IdentityCodeManager()

    class Meta:
        proxy = True
        verbose_name = _("identity code")
        verbose_name_plural = _("identity codes")


class LetterState(models.TextChoices):
    PENDING = "pending", _("Waiting to be printed")
    PRINTED = "printed", _("Printed")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class PostLetter(models.Model):
    """A letter with a confirmation code, queued for the post operators.

    The code is not generated when the person asks for the letter but when an operator prints it:
    it then exists in clear only in the printed page (and the HTTP response that carries it), and the
    database keeps its hash alone. Storing it encrypted until printing would keep a decryptable secret
    at rest for days and tie its safety to SECRET_KEY; printing it at generation needs neither. The
    price is that reprinting a letter issues a new code and revokes the old one, which is also what
    should happen when a printed sheet is spoiled or lost.
    """

    confirmation = models.ForeignKey(
        IdentityConfirmation, verbose_name=_("confirmation"), on_delete=models.CASCADE, related_name="letters"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="post_letters"
    )
    postcode = models.CharField(_("post office postal code"), max_length=6)
    address = models.CharField(_("post office address"), max_length=300)
    state = models.CharField(_("state"), max_length=16, choices=LetterState.choices, default=LetterState.PENDING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.OneToOneField(
        OneTimeCode,
        verbose_name=_("code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letter",
    )

    class Meta:
        verbose_name = _("post letter")
        verbose_name_plural = _("post letters")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["state", "requested_at"], name="identity_letter_queue")]

    def __str__(self) -> str:
        return f"{_('Letter')} #{self.pk} ({self.get_state_display()})"


class VideoSlot(models.Model):
    """A time an operator offers for a video call; a person books it for their confirmation."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.CASCADE,
        related_name="video_slots",
        limit_choices_to={"is_staff": True},
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length, minutes"), default=20)
    meeting_link = models.URLField(
        _("link to the call"), blank=True, help_text=_("Sent to the person once they book the slot.")
    )
    booked_for = models.ForeignKey(
        IdentityConfirmation,
        verbose_name=_("booked for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="video_slots",
        editable=False,
    )
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("video call slot")
        verbose_name_plural = _("video call slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "starts_at"], name="identity_video_slot_unique_start"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} ({self.duration_minutes} min)"

    @property
    def ends_at(self):  # type: ignore[no-untyped-def]
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class RequestState(models.TextChoices):
    OPEN = "open", _("Waiting for the person")
    FULFILLED = "fulfilled", _("Documents uploaded")
    CANCELLED = "cancelled", _("Cancelled")


class DocumentRequest(models.Model):
    """A clerk's request for further documents; the person answers by uploading scans in the cabinet."""

    confirmation = models.ForeignKey(
        IdentityConfirmation,
        verbose_name=_("confirmation"),
        on_delete=models.CASCADE,
        related_name="document_requests",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="document_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("what is needed"), max_length=2000)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.OPEN)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    fulfilled_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A new request replaces the open one (flows.request_documents); never two open at once.
            models.UniqueConstraint(
                fields=["confirmation"],
                condition=Q(state="open"),
                name="identity_one_open_document_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Document request')} #{self.pk}"


def requested_scan_upload_to(instance: RequestedScan, filename: str) -> str:
    return "requested/" + scan_upload_to(None, filename)  # type: ignore[arg-type]


class RequestedScan(models.Model):
    """A scan the person uploaded in answer to a document request (kept beside the original ones)."""

    request = models.ForeignKey(
        DocumentRequest, verbose_name=_("document request"), on_delete=models.CASCADE, related_name="uploads"
    )
    scan = models.FileField(_("scan"), storage=scans_storage, upload_to=requested_scan_upload_to, max_length=200)
    scan_name = models.CharField(_("scan file name"), max_length=255, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=16, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size, bytes"), default=0)
    scan_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("requested scan")
        verbose_name_plural = _("requested scans")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.scan_name or f"#{self.pk}"


class PendingApplication(Applicant):
    """The clerks' queue: applicants seen through the workspace (a proxy, so it has its own permissions)."""

    class Meta:
        proxy = True
        verbose_name = _("application")
        verbose_name_plural = _("applications queue")
