"""What a certificate must be to confirm an applicant: valid, for signing, qualified, trusted, not revoked, theirs.

A Russian qualified certificate (63-FZ art. 14 and 17; FSB order 795) carries the certificate policies of
its protection class (``1.2.643.100.113.1``–``.6``: KC1, KC2, KC3, KB1, KB2, KA1) and the names of the
subject's and the issuer's signature tools (``1.2.643.100.111`` and ``.112``); a person's SNILS
(``1.2.643.100.3``) and INN (``1.2.643.3.131.1.1``) are attributes of the subject. These can be read
offline and are checked here; whether the issuer is accredited is decided by the operator, who puts only
the accredited authorities' chain into the trusted folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

import validators.inn
import validators.snils
from registration.accounts.models import Applicant
from registration.identity.signature import trust
from registration.identity.signature.errors import SignatureError

#: Certificate policies of a qualified certificate: its protection class (KC1, KC2, KC3, KB1, KB2, KA1).
QUALIFIED_POLICIES = frozenset(x509.ObjectIdentifier(f"1.2.643.100.113.{n}") for n in range(1, 7))
SUBJECT_SIGN_TOOL = x509.ObjectIdentifier("1.2.643.100.111")
ISSUER_SIGN_TOOL = x509.ObjectIdentifier("1.2.643.100.112")
SNILS = x509.ObjectIdentifier("1.2.643.100.3")
INN = x509.ObjectIdentifier("1.2.643.3.131.1.1")
#: The INN of an organisation (an employee's certificate): never compared with the person's own INN.
INN_OF_ORGANISATION = x509.ObjectIdentifier("1.2.643.100.4")


def allows_signing(certificate: x509.Certificate) -> bool:
    """Whether the key usage extension is present and allows digital signatures or non-repudiation."""
    try:
        usage = certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.digital_signature or usage.content_commitment)  # type: ignore[attr-defined]


def is_qualified(certificate: x509.Certificate) -> bool:
    """Whether the certificate has a qualified protection-class policy and both signature-tool extensions."""
    extensions = certificate.extensions
    try:
        policies = extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES).value
    except x509.ExtensionNotFound:
        return False
    if not {policy.policy_identifier for policy in policies} & QUALIFIED_POLICIES:  # type: ignore[attr-defined]
        return False
    present = {extension.oid for extension in extensions}
    return SUBJECT_SIGN_TOOL in present and ISSUER_SIGN_TOOL in present


# --- names ----------------------------------------------------------------------------------------

_NOT_LETTERS = re.compile(r"[^\w]+|[\d_]+")


def normalised_name(text: str) -> str:
    """A whole name for comparison: its words in order, case-folded, ё as е, any separators as one space."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    return " ".join(word for word in _NOT_LETTERS.split(folded) if word)


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]


def certificate_names(certificate: x509.Certificate) -> set[str]:
    """The whole names a certificate's subject gives: the common name, and surname with given names."""
    subject = certificate.subject
    names = set(_attribute(subject, NameOID.COMMON_NAME))
    surnames = _attribute(subject, NameOID.SURNAME)
    given = _attribute(subject, NameOID.GIVEN_NAME)
    if surnames and given:
        names.add(" ".join([*surnames, *given]))
    return {normalised for normalised in map(normalised_name, names) if normalised}


def applicant_names(applicant: Applicant) -> set[str]:
    """The applicant's whole names, in Latin and Cyrillic: surname and given names (with the patronymic
    when there is one), surname first or last."""
    names = set()
    for surname, given, patronymic in (
        (applicant.surname, applicant.given_names, applicant.patronymic),
        (applicant.surname_cyrillic, applicant.given_names_cyrillic, applicant.patronymic_cyrillic),
    ):
        if not (surname and given):
            continue
        for first_names in {given, f"{given} {patronymic}" if patronymic else given}:
            names.add(normalised_name(f"{surname} {first_names}"))
            names.add(normalised_name(f"{first_names} {surname}"))
    return names


def names_applicant(certificate: x509.Certificate, applicant: Applicant) -> bool:
    """Whether one of the certificate's names is one of the applicant's whole names.

    Whole names, not words: a certificate of "Ivanov Ivan Petrovich" does not name "Ivanov Ivan", and one
    of "Eriksson Maria Anna" does not name "Eriksson Anna Maria".
    """
    return bool(certificate_names(certificate) & applicant_names(applicant))


# --- SNILS and INN --------------------------------------------------------------------------------


def _first(values: Iterable[str]) -> str:
    return next(iter(values), "")


def certificate_identifiers(certificate: x509.Certificate) -> dict[str, str]:
    """The person's SNILS and INN that the subject carries (compacted), by field name of ``Applicant``."""
    found = {}
    snils = validators.snils.compact(_first(_attribute(certificate.subject, SNILS)))
    if snils:
        found["snils"] = snils
    inn = validators.inn.compact(_first(_attribute(certificate.subject, INN)))
    # Before INNLE (1.2.643.100.4) existed, an organisation's 10-digit INN was written here as "00" + INN.
    if inn and not (len(inn) == 12 and inn.startswith("00")):
        found["inn"] = inn
    return found


def check_identifiers(certificate: x509.Certificate, applicant: Applicant) -> None:
    """Refuse a certificate whose SNILS or INN differs from the applicant's, or that the applicant lacks.

    When the certificate carries an identifier the application has none of, it is refused, not recorded:
    copying it into the application would change identity data outside the review of data changes, and
    the identifier is the only thing that tells two people of one name apart. The person adds it to their
    profile (which checks it and looks for duplicates) and tries again.
    """
    found = certificate_identifiers(certificate)
    missing = False
    for field_name, value in found.items():
        compact = validators.snils.compact if field_name == "snils" else validators.inn.compact
        own = compact(getattr(applicant, field_name) or "")
        if not own:
            missing = True
        elif own != value:
            raise SignatureError("identifier_mismatch")
    if missing:
        raise SignatureError("identifier_missing")


# --- every check, in order ------------------------------------------------------------------------


def check_certificate(
    certificate: x509.Certificate,
    shipped: Sequence[x509.Certificate],
    applicant: Applicant,
    *,
    store: trust.TrustStore,
    when: datetime,
) -> list[x509.Certificate]:
    """Raise ``SignatureError`` with the first failing check's code, in the order people can act on;
    return the certification path that was verified."""
    if when < certificate.not_valid_before_utc:
        raise SignatureError("not_yet_valid")
    if when > certificate.not_valid_after_utc:
        raise SignatureError("expired")
    if not allows_signing(certificate):
        raise SignatureError("not_for_signing")
    if not is_qualified(certificate):
        raise SignatureError("not_qualified")
    path = trust.certification_path(certificate, shipped, store, when)
    if path is None:
        raise SignatureError("untrusted")
    trust.check_revocation(path, store.crls, when)
    if not names_applicant(certificate, applicant):
        raise SignatureError("name_mismatch")
    check_identifiers(certificate, applicant)
    return path
