"""A change of identity data held beside the confirmed data until a clerk accepts or rejects it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import scan_upload_to, scans_storage
from registration.core.crypto import EncryptedTextField


class ChangeKind(models.TextChoices):
    PERSONAL = "personal", _("Personal data")
    DOCUMENT = "document", _("Identity document")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


def change_scan_upload_to(instance: ProfileChangeRequest, filename: str) -> str:
    return "changes/" + scan_upload_to(None, filename)  # type: ignore[arg-type]


class ProfileChangeRequest(models.Model):
    """Proposed values of identity data, with the new scan that shows them; one pending per kind and account.

    Only the fields that differ from the confirmed data are proposed. The values are kept as JSON text
    (dates as ``YYYY-MM-DD``), a column that can be encrypted at rest like the documents' numbers
    without a change of format.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="profile_changes",
    )
    kind = models.CharField(_("what changes"), max_length=16, choices=ChangeKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ChangeState.choices, default=ChangeState.PENDING, db_index=True
    )
    # Proposed names and document numbers are personal data: encrypted at rest like the confirmed ones.
    proposed_json = EncryptedTextField(_("proposed values"), default="{}", editable=False)
    # Whether the account was active when the change was sent: the decision then makes it active again.
    was_active = models.BooleanField(_("account was active"), default=False, editable=False)
    scan = models.FileField(_("scan"), storage=scans_storage, upload_to=change_scan_upload_to, max_length=200)
    scan_name = models.CharField(_("scan file name"), max_length=255, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=16, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size, bytes"), default=0)
    scan_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Shown to the person when rejected."))

    class Meta:
        verbose_name = _("change of identity data")
        verbose_name_plural = _("changes of identity data")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(state="pending"),
                name="profile_one_pending_change_per_kind",
            ),
        ]
        permissions = [("review_profile_change", _("Can accept or reject changes of identity data"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"

    @property
    def proposed(self) -> dict[str, Any]:
        try:
            value = json.loads(self.proposed_json or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @proposed.setter
    def proposed(self, value: dict[str, Any]) -> None:
        self.proposed_json = json.dumps(value, ensure_ascii=False, sort_keys=True)

    @property
    def is_pending(self) -> bool:
        return self.state == ChangeState.PENDING
