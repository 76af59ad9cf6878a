"""Fixtures and builders for the identity and workspace tests (imported explicitly by those modules).

Applicants come with an identity document whose MRZ agrees with the typed data and a real PNG scan
that passes ``validators.scans``; staff come in one of the role groups made by the migration;
certificates are made at test time from a throwaway certification authority.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from registration.accounts.models import Account, Applicant, Document, DocumentKind, DocumentRole
from registration.demo.identity import build_td3

ROLES = {
    "clerk": "Service-centre clerks",
    "post": "Post operators",
    "video": "Video operators",
    "consul": "Consular officers",
    "support": "Support operators",
}


# --- scans ---------------------------------------------------------------------------------


def scan_png(seed: int = 0) -> bytes:
    """A sharp 300 dpi PNG large enough for an ID-1 card: printed-looking stripes and boxes."""
    image = Image.new("L", (1100, 700), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40, 660, 24):
        for column in range(40 + (seed + row) % 7, 1060, 14):
            draw.rectangle((column, row, column + 6, row + 10), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300), optimize=True)
    return buffer.getvalue()


# --- people ----------------------------------------------------------------------------------------


@pytest.fixture
def make_applicant(make_account):
    """Create a pending applicant with a passport (MRZ and scan) and, optionally, a document of stay."""

    def factory(
        email: str | None = None,
        *,
        surname: str = "ERIKSSON",
        given_names: str = "ANNA MARIA",
        surname_cyrillic: str = "ЭРИКССОН",
        given_names_cyrillic: str = "АННА МАРИЯ",
        passport_number: str = "AB1234567",
        citizenship: str = "SE",
        birth: date = date(1990, 8, 12),
        sex: str = "F",
        snils: str = "11223344595",
        with_scan: bool = True,
        mrz: str | None = None,
        **account_extra,
    ) -> Applicant:
        account = make_account(email, **account_extra)
        applicant = Applicant.objects.create(
            account=account,
            surname=surname,
            given_names=given_names,
            surname_cyrillic=surname_cyrillic,
            given_names_cyrillic=given_names_cyrillic,
            birth_date=birth,
            birth_place="Stockholm",
            sex=sex,
            citizenship=citizenship,
            snils=snils,
            region="77",
            city="Moscow",
            street="Tverskaya",
            house="1",
            postcode="125009",
        )
        expiry = date.today().replace(day=1) + timedelta(days=3 * 365)
        alpha3 = {"SE": "SWE", "UZ": "UZB", "DE": "DEU"}.get(citizenship, "SWE")
        document = Document(
            applicant=applicant,
            role=DocumentRole.IDENTITY,
            kind=DocumentKind.FOREIGN_PASSPORT,
            country=citizenship,
            number=passport_number,
            issue_date=date(2020, 1, 15),
            expiry_date=expiry,
            issuing_authority="Polisen",
            mrz=mrz
            if mrz is not None
            else build_td3(
                surname=surname,
                given_names=given_names,
                number=passport_number,
                nationality=alpha3,
                birth=birth,
                sex=sex,
                expiry=expiry,
            ),
        )
        if with_scan:
            data = scan_png(applicant.pk)
            document.scan.save("passport.png", ContentFile(data), save=False)
            document.scan_name, document.scan_type, document.scan_size = "passport.png", "png", len(data)
        document.save()
        return applicant

    return factory


@pytest.fixture
def role_user(make_account):
    """Create a staff account in one of the role groups (``clerk``, ``post``, ``video``, ``consul``, ``support``)."""

    def factory(role: str, email: str | None = None) -> Account:
        account = make_account(email or f"{role}@staff.example.org", is_staff=True, phone=None)
        account.groups.add(Group.objects.get(name=ROLES[role]))
        return Account.objects.get(pk=account.pk)  # a fresh instance: no permission cache

    return factory


@pytest.fixture
def superuser(db):
    return Account.objects.create_superuser("root@staff.example.org", "Correct-Horse-42")


# --- certificates ----------------------------------------------------------------------------------


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, **extra: str) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if "surname" in extra:
        attributes.append(x509.NameAttribute(NameOID.SURNAME, extra["surname"]))
    if "given_name" in extra:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, extra["given_name"]))
    return x509.Name(attributes)


def make_authority(name: str = "Test Qualified CA", *, issuer: Authority | None = None) -> Authority:
    """A certification authority (self-signed, or signed by ``issuer`` as an intermediate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.certificate.subject if issuer else _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Authority(key, certificate)


def make_p12(
    authority: Authority,
    *,
    common_name: str = "ERIKSSON ANNA MARIA",
    surname: str | None = None,
    given_name: str | None = None,
    password: str = "Secret-123",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    digital_signature: bool = True,
    key_usage: bool = True,
    chain: list[x509.Certificate] | None = None,
) -> bytes:
    """A PKCS #12 file holding a personal certificate issued by ``authority`` and its private key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    extra = {k: v for k, v in {"surname": surname, "given_name": given_name}.items() if v}
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, **extra))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from or now - timedelta(days=1))
        .not_valid_after(valid_until or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=digital_signature,
                key_encipherment=not digital_signature,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    certificate = builder.sign(authority.key, hashes.SHA256())
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"signature", key, certificate, chain, encryption)


@pytest.fixture
def trusted_ca(settings, tmp_path: Path) -> Authority:
    """A certification authority whose certificate is in the trusted folder for this test."""
    authority = make_authority()
    folder = tmp_path / "trusted-ca"
    folder.mkdir()
    (folder / "test-ca.pem").write_bytes(authority.pem())
    settings.REGISTRATION_TRUSTED_CA_DIR = str(folder)
    return authority
