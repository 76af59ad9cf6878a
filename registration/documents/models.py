"""Documents the service issues as the result of a service (a notice of registration, a decision).

Each carries a public check token: the QR code on the PDF opens a page that says only whether the
document is valid and until when, never whose it is.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account
from registration.core.crypto import EncryptedTextField


class DocumentKind(models.TextChoices):
    STAY_NOTICE = "stay_notice", _("Notice of registration at the place of stay")
    RESIDENCE_PERMIT = "residence_permit", _("Decision on the residence permit")


class IssuedDocument(models.Model):
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="issued_documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=32, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Opens the public check page (in the QR code); the page says only "valid until …" or "not valid".
    check_token = models.CharField(_("check token"), max_length=64, unique=True, editable=False)
    # The person's language at issue: the PDF is in it and in Russian.
    language = models.CharField(_("language"), max_length=16)
    # What the document says (names, address, dates), as JSON; personal data, so encrypted at rest.
    content = EncryptedTextField(_("content"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        # The workspace's list pages by (issued_at, id), read backwards from this index.
        indexes = [models.Index(fields=["issued_at", "id"], name="document_issued_at_idx")]
        permissions = [("revoke_document", _("Can revoke an issued document"))]

    def __str__(self) -> str:
        return self.number

    def is_valid(self, on: datetime.date | None = None) -> bool:
        """Not revoked, and ``on`` (today by default) within its validity."""
        on = on or timezone.localdate()
        if self.revoked_at is not None or on < self.valid_from:
            return False
        return self.valid_until is None or on <= self.valid_until
