"""What the personal-data lifecycle keeps: when each account was closed and when its data was erased."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClosureReason(models.TextChoices):
    PERSON = "person", _("Closed by the person (consent withdrawn)")
    UNCONFIRMED = "unconfirmed", _("Application never confirmed within the retention period")


class Closure(models.Model):
    """A closed account: its data is erased once ``erase_after`` has passed; the row (no personal data) stays."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="closure"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ClosureReason.choices)
    closed_at = models.DateTimeField(_("closed"), default=timezone.now)
    erase_after = models.DateTimeField(_("data erased after"), db_index=True)
    erased_at = models.DateTimeField(_("data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("account closure")
        verbose_name_plural = _("account closures")
        ordering = ["-closed_at"]

    def __str__(self) -> str:
        return f"#{self.account_id} {self.closed_at:%d.%m.%Y}"
