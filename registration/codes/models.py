"""One-time contact codes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CodePurpose(models.TextChoices):
    PHONE = "phone", _("Phone confirmation")
    EMAIL = "email", _("E-mail confirmation")
    LOGIN = "login", _("Log-in code")


class ContactCode(models.Model):
    """The latest code sent for one purpose to one owner; a new code replaces the row's hash.

    ``owner`` is the wizard draft's random identifier (before an account exists) or ``account:<pk>``
    for log-in codes. The code itself is never stored: only its keyed hash (registration.codes.onetime).
    """

    purpose = models.CharField(_("purpose"), max_length=16, choices=CodePurpose.choices)
    owner = models.CharField(_("owner"), max_length=64)
    address = models.CharField(_("sent to"), max_length=254)
    code_hash = models.CharField(_("code hash"), max_length=64)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("codes sent"), default=0)

    class Meta:
        verbose_name = _("contact code")
        verbose_name_plural = _("contact codes")
        constraints = [models.UniqueConstraint(fields=["purpose", "owner"], name="contact_code_one_per_owner")]
        indexes = [models.Index(fields=["sent_at"], name="contact_code_sent_at")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.owner}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
