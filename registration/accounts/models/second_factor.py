"""Whether an account asks for an SMS code after the password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginSecondFactor(models.Model):
    """An account that asks for an SMS code after the password (the person turns it on in the cabinet)."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="second_factor",
    )
    enabled_at = models.DateTimeField(_("turned on"), default=timezone.now)

    class Meta:
        verbose_name = _("log-in SMS code")
        verbose_name_plural = _("log-in SMS codes")

    def __str__(self) -> str:
        return str(self.account_id)
