"""The signature method: the cabinet's form, and completing a confirmation with a certificate file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from registration.accounts import audit
from registration.accounts.models import Account, Applicant
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import conf, flows
from registration.identity.base import CertificateUpload, Evidence, Method, Outcome
from registration.identity.models import IdentityConfirmation, SignatureCertificate
from registration.identity.signature import trust
from registration.identity.signature.errors import SignatureError
from registration.identity.signature.files import load_pkcs12
from registration.identity.signature.qualified import check_certificate

RATE_ACTION = "signature_upload"

audit.register_actions({"signature.accepted": _("Electronic signature certificate accepted")})


class CertificateForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "certificate": _("Attach your certificate file (.p12 or .pfx)."),
    }

    certificate = forms.FileField(
        label=_("Certificate file (.p12 or .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    password = forms.CharField(
        label=_("Password of the certificate file"),
        strip=False,
        max_length=256,
        required=False,
        help_text=_("We use it only to open the file. It is not saved."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )


def _record(
    confirmation: IdentityConfirmation, certificate: x509.Certificate, fingerprint: str
) -> SignatureCertificate:
    """Bind the certificate to the confirmation's account; ``IntegrityError`` if another account holds it."""
    account = confirmation.account
    # The same account confirming again with its own certificate: the earlier binding stays, not current.
    SignatureCertificate.objects.filter(fingerprint_sha256=fingerprint, account=account, current=True).update(
        current=False
    )
    with transaction.atomic():
        return SignatureCertificate.objects.create(
            confirmation=confirmation,
            account=account,
            fingerprint_sha256=fingerprint,
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            serial_number=format(certificate.serial_number, "x"),
            not_valid_before=certificate.not_valid_before_utc,
            not_valid_after=certificate.not_valid_after_utc,
            pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        )


class SignatureMethod(Method):
    code = "signature"
    label = _("Qualified electronic signature")
    description = _(
        "Upload your signature certificate file (.p12 or .pfx) and type its password. The check takes "
        "a moment and confirms your identity at once."
    )
    template_name = "cabinet/identity/signature.html"
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"complete": CertificateForm}

    def is_offered(self) -> bool:
        """Offered only while the trusted folder holds a certification authority: else nothing could pass."""
        return trust.has_anchor(conf.trusted_ca_dir())

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        if not self.is_offered():
            raise SignatureError("method_unavailable")
        return flows.open_confirmation(account, self.code, request=request)

    @sensitive_variables("evidence")
    def evidence_from_form(self, action: str, cleaned_data: Mapping[str, Any]) -> Evidence:
        upload = cleaned_data["certificate"]
        if upload.size is not None and upload.size > conf.signature_max_file_size():
            raise SignatureError("file_too_large")
        return CertificateUpload(data=upload.read(), password=cleaned_data.get("password") or "")

    @sensitive_variables("evidence")
    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        flows.ensure_open(confirmation, self.code)
        if not isinstance(evidence, CertificateUpload):
            raise SignatureError("wrong_method")
        account = confirmation.account
        flows.check_rate(RATE_ACTION, account)
        applicant = Applicant.objects.filter(account=account).first()
        store = trust.load_trust_store(conf.trusted_ca_dir())
        try:
            certificate, shipped = load_pkcs12(evidence.data, evidence.password)
            if applicant is None:
                raise SignatureError("name_mismatch")
            check_certificate(certificate, shipped, applicant, store=store, when=timezone.now())
        except SignatureError as error:
            raise flows.refuse(confirmation, error, request=request, rate_action=RATE_ACTION) from None
        fingerprint = trust.fingerprint(certificate).hex()
        with transaction.atomic():
            try:
                record = _record(confirmation, certificate, fingerprint)
            except IntegrityError:
                pass  # the refusal is recorded below, outside the transaction, so that it is kept
            else:
                audit.record(
                    "signature.accepted",
                    account=account,
                    request=request,
                    data={"confirmation": confirmation.pk, "certificate": record.pk, "fingerprint": fingerprint},
                )
                return flows.confirm(confirmation, by=account, request=request, details={"certificate": record.pk})
        # The database found the certificate bound to another account (perhaps by an upload a moment ago).
        raise flows.refuse(confirmation, SignatureError("certificate_in_use"), request=request, rate_action=RATE_ACTION)


METHOD = SignatureMethod()
