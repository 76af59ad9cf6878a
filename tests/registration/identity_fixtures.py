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

QUALIFIED_POLICY = x509.ObjectIdentifier("1.2.643.100.113.1")  # KC1
SUBJECT_SIGN_TOOL = x509.ObjectIdentifier("1.2.643.100.111")
ISSUER_SIGN_TOOL = x509.ObjectIdentifier("1.2.643.100.112")
SNILS_OID = x509.ObjectIdentifier("1.2.643.100.3")
INN_OID = x509.ObjectIdentifier("1.2.643.3.131.1.1")
INN_OF_ORGANISATION_OID = x509.ObjectIdentifier("1.2.643.100.4")


def _utf8(text: str) -> bytes:
    """DER UTF8String (short form: the tools' names are short)."""
    data = text.encode()
    return bytes([0x0C, len(data)]) + data


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    folder: Path | None = None

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def crl(
        self,
        *,
        revoked: tuple[int, ...] = (),
        next_update: datetime | None = None,
        signer: ec.EllipticCurvePrivateKey | None = None,
        der: bool = False,
        name: str | None = None,
    ) -> Path:
        """Write this authority's CRL (listing ``revoked`` serials) into the trusted folder, and return its path."""
        assert self.folder is not None, "only an authority of the trusted folder publishes a CRL there"
        now = datetime.now(UTC)
        next_update = next_update or now + timedelta(days=7)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(min(now - timedelta(hours=1), next_update - timedelta(days=1)))
            .next_update(next_update)
        )
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - timedelta(minutes=5))
                .build()
            )
        crl = builder.sign(signer or self.key, hashes.SHA256())
        encoding = serialization.Encoding.DER if der else serialization.Encoding.PEM
        common_name = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        path = self.folder / (name or f"{str(common_name).replace(' ', '-')}.crl")
        path.write_bytes(crl.public_bytes(encoding))
        return path


def _name(common_name: str, **extra: str) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if "surname" in extra:
        attributes.append(x509.NameAttribute(NameOID.SURNAME, extra["surname"]))
    if "given_name" in extra:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, extra["given_name"]))
    for key, oid in (("snils", SNILS_OID), ("inn", INN_OID), ("inn_of_organisation", INN_OF_ORGANISATION_OID)):
        if key in extra:
            attributes.append(x509.NameAttribute(oid, extra[key], _type=x509.name._ASN1Type.NumericString))
    return x509.Name(attributes)


def make_authority(
    name: str = "Test Qualified CA", *, issuer: Authority | None = None, folder: Path | None = None
) -> Authority:
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
    return Authority(key, certificate, folder if folder is not None else (issuer.folder if issuer else None))


def make_p12(
    authority: Authority,
    *,
    common_name: str = "ERIKSSON ANNA MARIA",
    surname: str | None = None,
    given_name: str | None = None,
    snils: str | None = None,
    inn: str | None = None,
    inn_of_organisation: str | None = None,
    password: str = "Secret-123",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    digital_signature: bool = True,
    content_commitment: bool | None = None,
    key_usage: bool = True,
    qualified: bool = True,
    policy: x509.ObjectIdentifier = QUALIFIED_POLICY,
    sign_tools: bool = True,
    serial: int | None = None,
    chain: list[x509.Certificate] | None = None,
) -> bytes:
    """A PKCS #12 file holding a personal certificate issued by ``authority`` and its private key.

    By default the certificate is qualified the Russian way (a KC1 policy and both signature-tool
    extensions); ``qualified=False`` leaves the policy out, ``sign_tools=False`` the tools.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    extra = {
        k: v
        for k, v in {
            "surname": surname,
            "given_name": given_name,
            "snils": snils,
            "inn": inn,
            "inn_of_organisation": inn_of_organisation,
        }.items()
        if v
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, **extra))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(valid_from or now - timedelta(days=1))
        .not_valid_after(valid_until or now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=digital_signature if content_commitment is None else content_commitment,
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
    if qualified:
        builder = builder.add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(policy, None)]), critical=False
        )
    if sign_tools:
        issuer_tools = b"".join(_utf8(t) for t in ("CryptoPro CSP", "CryptoPro CA", "SF/124-1", "SF/128-1"))
        builder = builder.add_extension(
            x509.UnrecognizedExtension(SUBJECT_SIGN_TOOL, _utf8("CryptoPro CSP 5.0")), critical=False
        ).add_extension(
            x509.UnrecognizedExtension(ISSUER_SIGN_TOOL, bytes([0x30, len(issuer_tools)]) + issuer_tools),
            critical=False,
        )
    certificate = builder.sign(authority.key, hashes.SHA256())
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"signature", key, certificate, chain, encryption)


@pytest.fixture
def trusted_ca(settings, tmp_path: Path) -> Authority:
    """A certification authority whose certificate and a fresh, empty CRL are in the trusted folder for this test."""
    folder = tmp_path / "trusted-ca"
    folder.mkdir()
    authority = make_authority(folder=folder)
    (folder / "test-ca.pem").write_bytes(authority.pem())
    authority.crl()
    settings.REGISTRATION_TRUSTED_CA_DIR = str(folder)
    return authority
