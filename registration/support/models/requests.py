"""Support requests: from the cabinet (a blocked person asking for help) or typed in by an operator."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import scan_upload_to, scans_storage


def new_request_number() -> str:
    return f"S-{secrets.randbelow(9 * 10**7) + 10**7}"


#: Numbers drawn before giving up (a collision is rare: two in a row would mean a broken generator).
NUMBER_TRIES = 5


class SupportRequestManager(models.Manager["SupportRequest"]):
    def create_numbered(self, **fields: object) -> SupportRequest:
        """Insert a request under a fresh random number, drawing again when another request holds it.

        The unique index on ``number`` decides between two requests that drew the same number at once
        (a check before inserting would not); each try runs in a savepoint so the caller's transaction
        survives a collision.
        """
        for attempt in range(NUMBER_TRIES):
            number = new_request_number()
            try:
                with transaction.atomic():
                    return self.create(number=number, **fields)
            except IntegrityError:
                if attempt == NUMBER_TRIES - 1 or not self.filter(number=number).exists():
                    raise
        raise AssertionError("unreachable")


class SupportTopic(models.TextChoices):
    ACCESS = "access", _("Access to the account")
    BLOCKED = "blocked", _("Blocked account")
    DOCUMENTS = "documents", _("Documents")
    STATUS = "status", _("Application status")
    TECHNICAL = "technical", _("Technical error")


class SupportChannel(models.TextChoices):
    CABINET = "cabinet", _("Account")
    PHONE = "phone", _("Phone call")


class SupportStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for your reply")
    RESOLVED = "resolved", _("Resolved")


def attachment_upload_to(instance: SupportMessage, filename: str) -> str:
    return "support/" + scan_upload_to(None, filename)  # type: ignore[arg-type]


class SupportRequest(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, default=new_request_number, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="support_requests"
    )
    topic = models.CharField(_("topic"), max_length=16, choices=SupportTopic.choices, default=SupportTopic.ACCESS)
    status = models.CharField(
        _("status"), max_length=16, choices=SupportStatus.choices, default=SupportStatus.NEW, db_index=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(
        _("received by"), max_length=16, choices=SupportChannel.choices, default=SupportChannel.CABINET
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_requests",
    )

    objects = SupportRequestManager()

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at"]
        # The desk's list: oldest first, by status or topic.
        indexes = [
            models.Index(fields=["created_at", "id"], name="support_request_created"),
            models.Index(fields=["status", "created_at", "id"], name="support_request_status"),
            models.Index(fields=["topic", "created_at", "id"], name="support_request_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class SupportMessage(models.Model):
    request = models.ForeignKey(
        SupportRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="support_messages",
    )
    from_staff = models.BooleanField(_("from support"), default=False)
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Seen by support only: never shown or sent to the person.")
    )
    body = models.TextField(_("message"), max_length=5000)
    attachment = models.FileField(
        _("screenshot"),
        storage=scans_storage,
        upload_to=attachment_upload_to,
        blank=True,
        max_length=200,
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.request.number} #{self.pk}"
