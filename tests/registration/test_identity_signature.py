"""Qualified electronic signature: a PKCS #12 file checked for validity, usage, qualification, trust,
revocation, name and SNILS/INN; one certificate confirms one account."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registration.accounts.models import AuditEvent
from registration.identity import signature
from registration.identity.base import CertificateUpload, IdentityError
from registration.identity.models import IdentityConfirmation, SignatureCertificate
from tests.registration.identity_fixtures import make_applicant, make_authority, make_p12, trusted_ca

METHOD = signature.METHOD
URL = reverse("registration:identity_method", args=["signature"])
PASSWORD = "Secret-123"


def _complete(applicant, data: bytes, password: str = PASSWORD):
    confirmation = METHOD.start(applicant.account)
    return METHOD.complete(confirmation, CertificateUpload(data, password), by=applicant.account)


def _error(applicant, data: bytes, password: str = PASSWORD) -> str:
    with pytest.raises(IdentityError) as caught:
        _complete(applicant, data, password)
    return caught.value.code


def test_valid_certificate_confirms_and_keeps_only_the_certificate(make_applicant, trusted_ca):
    """A valid, trusted signing certificate naming the applicant activates; only public data is kept."""
    applicant = make_applicant()
    outcome = _complete(applicant, make_p12(trusted_ca))
    applicant.account.refresh_from_db()
    assert outcome.activated and applicant.account.status == "active"
    record = SignatureCertificate.objects.get()
    assert record.pem.startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" not in record.pem
    assert len(record.fingerprint_sha256) == 64
    assert "ERIKSSON" in record.subject and "Test Qualified CA" in record.issuer
    assert PASSWORD not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_cyrillic_name_in_surname_and_given_name_attributes(make_applicant, trusted_ca):
    """A certificate naming the person in Cyrillic (SN + GN, with a patronymic) is accepted."""
    applicant = make_applicant()
    data = make_p12(trusted_ca, common_name="Эрикссон Анна Мария", surname="Эрикссон", given_name="Анна Мария Ивановна")
    assert _complete(applicant, data).activated


def test_intermediate_authority_in_the_file_is_followed_to_the_trusted_root(make_applicant, trusted_ca):
    """A certificate issued by an intermediate CA (shipped in the file) chains to the trusted root."""
    applicant = make_applicant()
    intermediate = make_authority("Intermediate CA", issuer=trusted_ca)
    intermediate.crl()
    assert _complete(applicant, make_p12(intermediate, chain=[intermediate.certificate])).activated


def test_unprotected_file_with_empty_password(make_applicant, trusted_ca):
    """A file without a password opens with an empty password field."""
    applicant = make_applicant()
    assert _complete(applicant, make_p12(trusted_ca, password=""), password="").activated


def test_wrong_password(make_applicant, trusted_ca):
    """A wrong password is its own error, audited without the password."""
    applicant = make_applicant()
    assert _error(applicant, make_p12(trusted_ca), "not-the-password") == "wrong_password"
    event = AuditEvent.objects.get(action="identity.refused")
    assert event.data["error"] == "wrong_password" and "not-the-password" not in str(event.data)


def test_not_a_pkcs12_file(make_applicant, trusted_ca):
    """A file that is not PKCS #12 is told apart from a wrong password."""
    assert _error(make_applicant(), b"%PDF-1.7 not a certificate") == "not_a_certificate_file"


def test_expired_certificate(make_applicant, trusted_ca):
    """A certificate past its validity is refused as expired."""
    now = datetime.now(UTC)
    data = make_p12(trusted_ca, valid_from=now - timedelta(days=400), valid_until=now - timedelta(days=1))
    assert _error(make_applicant(), data) == "expired"


def test_certificate_not_yet_valid(make_applicant, trusted_ca):
    """A certificate whose validity starts tomorrow is refused."""
    now = datetime.now(UTC)
    data = make_p12(trusted_ca, valid_from=now + timedelta(days=1), valid_until=now + timedelta(days=30))
    assert _error(make_applicant(), data) == "not_yet_valid"


def test_untrusted_authority(make_applicant, trusted_ca):
    """A certificate from an authority outside the trusted folder is untrusted."""
    assert _error(make_applicant(), make_p12(make_authority("Rogue CA"))) == "untrusted"


def test_rogue_authority_with_the_trusted_name_is_untrusted(make_applicant, trusted_ca):
    """A look-alike CA with the trusted CA's name (but another key), shipped in the file, does not help."""
    rogue = make_authority("Test Qualified CA")
    assert _error(make_applicant(), make_p12(rogue, chain=[rogue.certificate])) == "untrusted"


def test_no_trusted_folder_means_untrusted(make_applicant, trusted_ca, settings, tmp_path):
    """Without trusted certificates nothing is trusted (for a confirmation started while a CA was trusted)."""
    applicant = make_applicant()
    confirmation = METHOD.start(applicant.account)
    settings.REGISTRATION_TRUSTED_CA_DIR = str(tmp_path / "missing")
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CertificateUpload(make_p12(trusted_ca), PASSWORD), by=applicant.account)
    assert caught.value.code == "untrusted"


@pytest.mark.parametrize("key_usage", [False, True])
def test_certificate_not_for_signing(make_applicant, trusted_ca, key_usage):
    """Without key usage, or with key usage that does not allow digital signatures, it is refused."""
    data = make_p12(trusted_ca, key_usage=key_usage, digital_signature=False)
    assert _error(make_applicant(), data) == "not_for_signing"


def test_name_mismatch(make_applicant, trusted_ca):
    """A certificate issued to someone else is refused."""
    assert _error(make_applicant(), make_p12(trusted_ca, common_name="PETROV IVAN")) == "name_mismatch"


def test_certificate_already_used_by_another_account(make_applicant, trusted_ca):
    """One certificate cannot confirm two accounts."""
    data = make_p12(trusted_ca)
    _complete(make_applicant(), data)
    assert _error(make_applicant(), data) == "certificate_in_use"


def test_file_too_large(make_applicant, trusted_ca, settings):
    """A file over the size limit is refused before it is parsed."""
    settings.REGISTRATION_SIGNATURE_MAX_FILE_SIZE = 100
    assert _error(make_applicant(), make_p12(trusted_ca)) == "file_too_large"


def test_cabinet_upload_confirms_and_never_logs_the_password(client, make_applicant, trusted_ca, caplog):
    """Through the cabinet: the upload activates the account; the password appears in no log record."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    upload = SimpleUploadedFile("me.p12", make_p12(trusted_ca), content_type="application/x-pkcs12")
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            URL, {"action": "complete", "complete-certificate": upload, "complete-password": PASSWORD}
        )
    assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")
    applicant.account.refresh_from_db()
    assert applicant.account.status == "active"
    assert PASSWORD not in caplog.text


def test_cabinet_shows_the_specific_error(client, make_applicant, trusted_ca):
    """A refused certificate re-renders the page with the error's code and no password echoed back."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    upload = SimpleUploadedFile("me.p12", make_p12(trusted_ca), content_type="application/x-pkcs12")
    response = client.post(URL, {"action": "complete", "complete-certificate": upload, "complete-password": "wrong"})
    assert response.status_code == 200
    assert response.context["errors"].non_field_errors().as_data()[0].code == "wrong_password"
    assert 'value="wrong"' not in response.content.decode()
    assert IdentityConfirmation.objects.get().attempts == 1


def test_uploads_are_rate_limited(client, make_applicant, trusted_ca, settings):
    """Past the limit of refused uploads the cabinet answers 429."""
    settings.REGISTRATION_RATE_LIMITS = {"signature_upload": "2/1h"}
    applicant = make_applicant()
    client.force_login(applicant.account)
    data = make_p12(trusted_ca)
    for _ in range(2):
        upload = SimpleUploadedFile("me.p12", data)
        client.post(URL, {"action": "complete", "complete-certificate": upload, "complete-password": "wrong"})
    upload = SimpleUploadedFile("me.p12", data)
    response = client.post(URL, {"action": "complete", "complete-certificate": upload, "complete-password": PASSWORD})
    assert response.status_code == 429


# --- revocation: the CRLs of the trusted folder --------------------------------------------------


def test_revoked_certificate(make_applicant, trusted_ca):
    """A certificate whose serial number the issuer's CRL lists is refused as revoked."""
    trusted_ca.crl(revoked=(4242,))
    assert _error(make_applicant(), make_p12(trusted_ca, serial=4242)) == "certificate_revoked"


def test_revoked_intermediate_authority(make_applicant, trusted_ca):
    """An intermediate CA that the root's CRL lists revokes everything it issued."""
    intermediate = make_authority("Intermediate CA", issuer=trusted_ca)
    intermediate.crl()
    trusted_ca.crl(revoked=(intermediate.certificate.serial_number,))
    data = make_p12(intermediate, chain=[intermediate.certificate])
    assert _error(make_applicant(), data) == "certificate_revoked"


def test_stale_crl(make_applicant, trusted_ca):
    """A CRL past its next update cannot say "not revoked": the certificate is refused."""
    trusted_ca.crl(next_update=datetime.now(UTC) - timedelta(minutes=1))
    assert _error(make_applicant(), make_p12(trusted_ca)) == "crl_stale"


def test_missing_crl(make_applicant, trusted_ca):
    """Without a CRL of the issuer in the folder the certificate is refused (fail closed)."""
    for path in trusted_ca.folder.glob("*.crl"):
        path.unlink()
    assert _error(make_applicant(), make_p12(trusted_ca)) == "crl_missing"


def test_missing_crl_of_an_intermediate(make_applicant, trusted_ca):
    """Every certificate of the path below the root needs its issuer's CRL, the intermediate's own too."""
    intermediate = make_authority("Intermediate CA", issuer=trusted_ca)
    assert _error(make_applicant(), make_p12(intermediate, chain=[intermediate.certificate])) == "crl_missing"


def test_crl_signed_by_another_key_is_not_the_issuers(make_applicant, trusted_ca):
    """A forged CRL with the issuer's name but another key is ignored, so the certificate has no CRL."""
    for path in trusted_ca.folder.glob("*.crl"):
        path.unlink()
    trusted_ca.crl(signer=make_authority("Rogue CA").key)
    assert _error(make_applicant(), make_p12(trusted_ca)) == "crl_missing"


def test_newest_crl_wins(make_applicant, trusted_ca):
    """With an old and a new CRL of one issuer, the newest decides (here: it lists the certificate)."""
    import time

    time.sleep(1.1)  # CRL times have one-second resolution
    trusted_ca.crl(revoked=(777,), name="newer.crl", next_update=datetime.now(UTC) + timedelta(days=9))
    assert _error(make_applicant(), make_p12(trusted_ca, serial=777)) == "certificate_revoked"


def test_der_crl_and_der_certificate_in_the_folder(make_applicant, trusted_ca):
    """The folder may hold DER files as well as PEM: a .cer anchor and a .crl in DER are read."""
    from cryptography.hazmat.primitives import serialization

    for path in trusted_ca.folder.iterdir():
        path.unlink()
    (trusted_ca.folder / "ca.cer").write_bytes(trusted_ca.certificate.public_bytes(serialization.Encoding.DER))
    trusted_ca.crl(der=True)
    assert _complete(make_applicant(), make_p12(trusted_ca)).activated


# --- qualified certificates ----------------------------------------------------------------------


def test_certificate_without_a_qualified_policy(make_applicant, trusted_ca):
    """A certificate without a certificate-policies extension is not qualified."""
    assert _error(make_applicant(), make_p12(trusted_ca, qualified=False)) == "not_qualified"


def test_certificate_with_another_policy(make_applicant, trusted_ca):
    """A policy other than the protection classes 1.2.643.100.113.1–6 does not make it qualified."""
    from cryptography import x509

    data = make_p12(trusted_ca, policy=x509.ObjectIdentifier("1.2.643.100.113.7"))
    assert _error(make_applicant(), data) == "not_qualified"


@pytest.mark.parametrize("policy", ["1.2.643.100.113.2", "1.2.643.100.113.6"])
def test_every_protection_class_is_qualified(make_applicant, trusted_ca, policy):
    """Each protection class KC1–KA1 is a qualified certificate's policy."""
    from cryptography import x509

    assert _complete(make_applicant(), make_p12(trusted_ca, policy=x509.ObjectIdentifier(policy))).activated


def test_certificate_without_signature_tools(make_applicant, trusted_ca):
    """Without the subjectSignTool and issuerSignTool extensions a certificate is not qualified."""
    assert _error(make_applicant(), make_p12(trusted_ca, sign_tools=False)) == "not_qualified"


def test_non_repudiation_alone_allows_signing(make_applicant, trusted_ca):
    """Key usage with nonRepudiation (contentCommitment) but not digitalSignature is a signing certificate."""
    data = make_p12(trusted_ca, digital_signature=False, content_commitment=True)
    assert _complete(make_applicant(), data).activated


# --- the whole name ------------------------------------------------------------------------------


def test_a_longer_name_that_contains_the_applicants_is_refused(make_applicant, trusted_ca):
    """A certificate of "ERIKSSON ANNA MARIA LOUISE" does not name "ERIKSSON ANNA MARIA": whole names only."""
    assert _error(make_applicant(), make_p12(trusted_ca, common_name="ERIKSSON ANNA MARIA LOUISE")) == "name_mismatch"


def test_the_same_words_in_another_order_are_refused(make_applicant, trusted_ca):
    """A certificate of "ERIKSSON MARIA ANNA" (the same words, another person) does not name "ERIKSSON ANNA MARIA"."""
    assert _error(make_applicant(), make_p12(trusted_ca, common_name="ERIKSSON MARIA ANNA")) == "name_mismatch"


def test_given_names_first_is_the_same_name(make_applicant, trusted_ca):
    """The given names before the surname, as a whole, name the applicant."""
    assert _complete(make_applicant(), make_p12(trusted_ca, common_name="Anna-Maria Eriksson")).activated


def test_patronymic_of_the_applicant_in_surname_and_given_name(make_applicant, trusted_ca):
    """SN + GN with the patronymic the applicant gave (the Russian form) names them; the CN may be anything."""
    applicant = make_applicant()
    applicant.patronymic_cyrillic = "ИВАНОВНА"
    applicant.save()
    data = make_p12(trusted_ca, common_name="ООО Ромашка", surname="Эрикссон", given_name="Анна Мария Ивановна")
    assert _complete(applicant, data).activated


def test_a_patronymic_the_applicant_did_not_give_is_refused(make_applicant, trusted_ca):
    """SN + GN with a patronymic is another name than the applicant's without one."""
    data = make_p12(trusted_ca, common_name="ООО Ромашка", surname="Эрикссон", given_name="Анна Мария Ивановна")
    assert _error(make_applicant(), data) == "name_mismatch"


# --- SNILS and INN -------------------------------------------------------------------------------


def test_matching_snils_and_inn(make_applicant, trusted_ca):
    """A certificate carrying the applicant's SNILS and INN (in any spelling) confirms them."""
    applicant = make_applicant(snils="112-233-445 95")
    applicant.inn = "500100732259"
    applicant.save()
    assert _complete(applicant, make_p12(trusted_ca, snils="11223344595", inn="500100732259")).activated


def test_snils_mismatch(make_applicant, trusted_ca):
    """A certificate with another person's SNILS is refused even when the name matches."""
    data = make_p12(trusted_ca, snils="02600238900")
    assert _error(make_applicant(snils="11223344595"), data) == "identifier_mismatch"


def test_inn_mismatch(make_applicant, trusted_ca):
    """A certificate with another person's INN is refused."""
    applicant = make_applicant()
    applicant.inn = "500100732259"
    applicant.save()
    assert _error(applicant, make_p12(trusted_ca, inn="773400211252")) == "identifier_mismatch"


def test_snils_in_the_certificate_but_not_in_the_application(make_applicant, trusted_ca):
    """A SNILS the application lacks is refused (to be added to the profile first), never copied in."""
    applicant = make_applicant(snils="")
    assert _error(applicant, make_p12(trusted_ca, snils="11223344595")) == "identifier_missing"
    applicant.refresh_from_db()
    assert applicant.snils == ""


def test_organisation_inn_is_not_the_persons(make_applicant, trusted_ca):
    """An employer's INN (INNLE, or the old "00" + 10 digits form) is not compared with the person's INN."""
    data = make_p12(trusted_ca, inn_of_organisation="7707083893", inn="007707083893")
    assert _complete(make_applicant(), data).activated
