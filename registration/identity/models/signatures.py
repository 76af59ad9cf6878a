"""What the signature method keeps: the certificate that confirmed an account (never its private key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.identity.models.confirmations import IdentityConfirmation


class SignatureCertificate(models.Model):
    """The certificate of an electronic signature used to confirm identity (never its private key).

    One certificate confirms one account: among the ``current`` rows a fingerprint is unique, enforced by
    the database so that simultaneous uploads of one certificate for several accounts let one through.
    A row exists only for a certificate that confirmed its account; when the same account confirms again
    with the same certificate (after a review of changed data), its earlier row stays for the record with
    ``current`` off.
    """

    confirmation = models.ForeignKey(
        IdentityConfirmation, verbose_name=_("confirmation"), on_delete=models.CASCADE, related_name="certificates"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="signature_certificates",
    )
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, db_index=True)
    subject = models.TextField(_("subject"))
    issuer = models.TextField(_("issuer"))
    serial_number = models.CharField(_("serial number"), max_length=64)
    not_valid_before = models.DateTimeField(_("valid from"))
    not_valid_after = models.DateTimeField(_("valid until"))
    pem = models.TextField(_("certificate (PEM)"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("The certificate's binding to this account (one account per certificate)."),
    )

    class Meta:
        verbose_name = _("signature certificate")
        verbose_name_plural = _("signature certificates")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint_sha256"],
                condition=Q(current=True),
                name="identity_one_account_per_certificate",
            ),
        ]

    def __str__(self) -> str:
        return self.fingerprint_sha256
