"""Qualified electronic signature: a PKCS #12 file (``.p12``/``.pfx``) and its password.

The file is opened with ``cryptography`` in memory. The certificate must be valid now, allow digital
signatures (key usage), chain to a certification authority whose certificate is in the trusted folder
(``REGISTRATION_TRUSTED_CA_DIR``, PEM files), and name the applicant in Latin or Cyrillic letters.
Each failure has its own code. The private key and the password are never stored or logged: only the
certificate (PEM), its SHA-256 fingerprint, subject, issuer, serial number and validity are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtensionOID, NameOID
from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from registration.accounts import audit
from registration.accounts.models import Account, Applicant
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import conf, flows
from registration.identity.base import CertificateUpload, Evidence, IdentityError, Method, Outcome
from registration.identity.models import ConfirmationState, IdentityConfirmation, SignatureCertificate

RATE_ACTION = "signature_upload"
MAX_CHAIN_DEPTH = 6

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


# --- reading and checking a certificate ---------------------------------------------------------


def _looks_like_pkcs12(data: bytes) -> bool:
    """A DER SEQUENCE whose first element is INTEGER 3 (the PFX version): tells a PKCS #12 file apart."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    first = data[1]
    if first < 0x80:
        offset = 2
    else:
        length_bytes = first & 0x7F
        if not 1 <= length_bytes <= 4:
            return False
        offset = 2 + length_bytes
    return data[offset : offset + 3] == b"\x02\x01\x03"


@sensitive_variables("password", "data", "secret", "key")
def load_pkcs12(data: bytes, password: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The certificate and the other certificates of a PKCS #12 file; the private key is dropped at once."""
    if len(data) > conf.signature_max_file_size():
        raise IdentityError("file_too_large")
    if not _looks_like_pkcs12(data):
        raise IdentityError("not_a_certificate_file")
    secrets_to_try: list[bytes | None] = [password.encode("utf-8")]
    if not password:
        secrets_to_try.append(None)
    for secret in secrets_to_try:
        try:
            key, certificate, additional = pkcs12.load_key_and_certificates(data, secret)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
        del key
        if certificate is None:
            raise IdentityError("no_certificate")
        return certificate, list(additional)
    raise IdentityError("wrong_password")


def load_trusted_roots(directory: Path) -> list[x509.Certificate]:
    """Every certificate in the PEM files (``*.pem``, ``*.crt``) of the trusted folder."""
    roots: list[x509.Certificate] = []
    if not directory.is_dir():
        return roots
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in {".pem", ".crt", ".cer"} or not path.is_file():
            continue
        try:
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except ValueError:
            continue  # a damaged file in the folder must not make every signature untrusted
    return roots


def _fingerprint(certificate: x509.Certificate) -> bytes:
    return certificate.fingerprint(hashes.SHA256())


def _valid_at(certificate: x509.Certificate, when: datetime) -> bool:
    return certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(child: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def chains_to_trusted_root(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
    when: datetime,
) -> bool:
    """Whether a path of valid CA certificates with good signatures leads from ``leaf`` to a trusted root.

    Only the trusted roots are trusted: an intermediate shipped in the file counts only if a trusted
    root (eventually) signed it. Candidates are tried depth-first, roots before shipped certificates.
    """
    trusted = {_fingerprint(root) for root in roots}
    pool = [*roots, *intermediates]

    def walk(current: x509.Certificate, depth: int, seen: frozenset[bytes]) -> bool:
        if depth > MAX_CHAIN_DEPTH:
            return False
        for issuer in pool:
            fingerprint = _fingerprint(issuer)
            if fingerprint in seen or issuer.subject != current.issuer:
                continue
            if not (_is_ca(issuer) and _valid_at(issuer, when) and _issued_by(current, issuer)):
                continue
            if fingerprint in trusted or walk(issuer, depth + 1, seen | {fingerprint}):
                return True
        return False

    return walk(leaf, 0, frozenset({_fingerprint(leaf)}))


def allows_signing(certificate: x509.Certificate) -> bool:
    """Whether the key usage extension is present and allows digital signatures."""
    try:
        usage = certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.digital_signature)


_NOT_LETTERS = re.compile(r"[^\w]+|[\d_]+")


def _tokens(text: str) -> frozenset[str]:
    folded = (text or "").casefold().replace("ё", "е")
    return frozenset(token for token in _NOT_LETTERS.split(folded) if token)


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]


def certificate_names(certificate: x509.Certificate) -> list[str]:
    """The names a certificate's subject gives: the common name, and surname with given name."""
    subject = certificate.subject
    names = _attribute(subject, NameOID.COMMON_NAME)
    surnames = _attribute(subject, NameOID.SURNAME)
    given = _attribute(subject, NameOID.GIVEN_NAME)
    if surnames or given:
        names.append(" ".join([*surnames, *given]))
    return names


def names_applicant(certificate: x509.Certificate, applicant: Applicant) -> bool:
    """Whether the certificate names the applicant: surname and given names, in Latin or in Cyrillic.

    Extra words (a patronymic, an organisation's name in the common name) do not matter; letter case
    and ё/е do not either.
    """
    wanted = [
        _tokens(applicant.surname) | _tokens(applicant.given_names),
        _tokens(applicant.surname_cyrillic) | _tokens(applicant.given_names_cyrillic),
    ]
    for name in certificate_names(certificate):
        have = _tokens(name)
        if any(need and need <= have for need in wanted):
            return True
    return False


def check_certificate(
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    applicant: Applicant,
    *,
    roots: Sequence[x509.Certificate],
    when: datetime,
) -> None:
    """Raise ``IdentityError`` with the first failing check's code, in the order people can act on."""
    if when < certificate.not_valid_before_utc:
        raise IdentityError("not_yet_valid")
    if when > certificate.not_valid_after_utc:
        raise IdentityError("expired")
    if not allows_signing(certificate):
        raise IdentityError("not_for_signing")
    if not chains_to_trusted_root(certificate, chain, roots, when):
        raise IdentityError("untrusted")
    if not names_applicant(certificate, applicant):
        raise IdentityError("name_mismatch")


# --- the method ----------------------------------------------------------------------------------


class SignatureMethod(Method):
    code = "signature"
    label = _("Qualified electronic signature")
    description = _(
        "Upload your signature certificate file (.p12 or .pfx) and type its password. The check takes "
        "a moment and confirms your identity at once."
    )
    template_name = "cabinet/identity/signature.html"
    person_forms: Mapping[str, type[forms.Form]] = {"complete": CertificateForm}

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        return flows.open_confirmation(account, self.code, request=request)

    @sensitive_variables("evidence")
    def evidence_from_form(self, action: str, cleaned_data: Mapping[str, Any]) -> Evidence:
        upload = cleaned_data["certificate"]
        if upload.size is not None and upload.size > conf.signature_max_file_size():
            raise IdentityError("file_too_large")
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
            raise IdentityError("wrong_method")
        account = confirmation.account
        flows.check_rate(RATE_ACTION, account)
        applicant = Applicant.objects.filter(account=account).first()
        now = timezone.now()
        try:
            certificate, chain = load_pkcs12(evidence.data, evidence.password)
            if applicant is None:
                raise IdentityError("name_mismatch")
            check_certificate(certificate, chain, applicant, roots=load_trusted_roots(conf.trusted_ca_dir()), when=now)
            fingerprint = _fingerprint(certificate).hex()
            used_elsewhere = (
                SignatureCertificate.objects.filter(
                    fingerprint_sha256=fingerprint, confirmation__state=ConfirmationState.CONFIRMED
                )
                .exclude(account=account)
                .exists()
            )
            if used_elsewhere:
                raise IdentityError("certificate_in_use")
        except IdentityError as error:
            raise flows.refuse(confirmation, error, request=request, rate_action=RATE_ACTION) from None
        with transaction.atomic():
            record = SignatureCertificate.objects.create(
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
            audit.record(
                "signature.accepted",
                account=account,
                request=request,
                data={"confirmation": confirmation.pk, "certificate": record.pk, "fingerprint": fingerprint},
            )
            return flows.confirm(confirmation, by=account, request=request, details={"certificate": record.pk})


METHOD = SignatureMethod()
