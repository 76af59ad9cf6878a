"""Qualified electronic signature: a PKCS #12 file checked for validity, usage, trust and name."""

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
    """Without trusted certificates nothing is trusted."""
    settings.REGISTRATION_TRUSTED_CA_DIR = str(tmp_path / "missing")
    assert _error(make_applicant(), make_p12(trusted_ca)) == "untrusted"


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
