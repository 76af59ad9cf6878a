"""The person's consent to the terms and to the processing of personal data (Federal law 152-FZ, article 9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """One consent given: which texts (their versions), in which language, when and from where.

    Withdrawing the consent is closing the account (``registration.accounts.status.close``); the rows
    are erased with the rest of the person's data when the legal hold is over.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="consents"
    )
    terms_version = models.CharField(_("version of the terms"), max_length=16)
    notice_version = models.CharField(_("version of the privacy notice"), max_length=16)
    language = models.CharField(_("language shown"), max_length=8)
    given_at = models.DateTimeField(_("given"), default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.terms_version}/{self.notice_version} {self.given_at:%d.%m.%Y}"
