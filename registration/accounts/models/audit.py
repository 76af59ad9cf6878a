"""The audit log: append-only records of who did what to which account, when and why."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def anonymise(self) -> int:
        """The one change the log allows: forget the network address and the free-text reason of these
        events (an erased person's), keeping what happened, when and to which (now anonymous) account."""
        return super().update(ip_address=None, reason="", anonymised=True)


class AuditEvent(models.Model):
    """One action on an account. Holds no personal data beyond references: codes, reasons, IP."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    action = models.CharField(_("action"), max_length=64, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_actions",
        editable=False,
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        editable=False,
    )
    from_status = models.CharField(_("status before"), max_length=16, blank=True, editable=False)
    to_status = models.CharField(_("status after"), max_length=16, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    data = models.JSONField(_("details"), default=dict, blank=True, editable=False)
    anonymised = models.BooleanField(_("anonymised"), default=False, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["account", "at"], name="audit_account_at"),
            # The audit log's filters, each with the log's ordering (newest first).
            models.Index(fields=["action", "at", "id"], name="audit_action_at"),
            models.Index(fields=["actor", "at", "id"], name="audit_actor_at"),
            models.Index(fields=["to_status", "at", "id"], name="audit_to_status_at"),
            models.Index(fields=["at", "id"], name="audit_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[unreachable]  # pk is None until saved; the stubs say int

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
