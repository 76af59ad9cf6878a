"""Demo data for identity confirmation: staff per role, one pending application per method, video slots.

Called by ``manage.py load_demo_data``. Idempotent: running it again resets the demo passwords and
keeps one of everything. With DEBUG on it also makes a demo certification authority with its CRL (in
the trusted folder, which local settings place at ``var/demo/trusted-ca``) and a signature file for the
demo applicant, so that the signature method can be tried; it never does so with DEBUG off.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from registration.accounts.models import Account, Applicant, DocumentKind, DocumentRole
from registration.identity import conf, flows
from registration.identity.models import (
    OPEN_STATES,
    IdentityConfirmation,
    PostLetter,
    ServiceCentre,
    VideoSlot,
)
from registration.onboarding.submit import ApplicationData, DocumentData, ScanUpload, submit_application
from validators.mrz import calc_check_digit

STAFF = [
    ("post@example.org", "post operator", "Post operators"),
    ("video@example.org", "video operator", "Video operators"),
    ("consul@example.org", "consular officer", "Consular officers"),
    ("support@example.org", "support operator", "Support operators"),
    ("supervisor@example.org", "support supervisor", "Support supervisors"),
]


@dataclass(frozen=True)
class DemoPerson:
    method: str
    email: str
    surname: str
    given_names: str
    surname_cyrillic: str
    given_names_cyrillic: str
    citizenship: str
    nationality: str
    passport: str
    sex: str
    birth: date
    language: str = "ru"  # of the site and of the messages: some demo people read English


PEOPLE = [
    DemoPerson("service_centre", "applicant.centre@example.org", "KARIMOV", "BOBUR", "КАРИМОВ", "БОБУР", "UZ", "UZB",
               "AC1000001", "M", date(1991, 3, 14)),
    DemoPerson("post_letter", "applicant.post@example.org", "ERIKSSON", "ANNA", "ЭРИКССОН", "АННА", "SE", "SWE",
               "AB1000002", "F", date(1988, 8, 12), "en"),
    DemoPerson("signature", "applicant.signature@example.org", "MUELLER", "JONAS", "МЮЛЛЕР", "ЙОНАС", "DE", "DEU",
               "C01X00T47", "M", date(1985, 1, 30), "en"),
    DemoPerson("video_call", "applicant.video@example.org", "NGUYEN", "LAN", "НГУЕН", "ЛАН", "VN", "VNM",
               "B1000004", "F", date(1995, 6, 2), "en"),
    DemoPerson("consulate", "applicant.consulate@example.org", "ALIYEV", "RASHID", "АЛИЕВ", "РАШИД", "AZ", "AZE",
               "C10000005", "M", date(1979, 11, 23)),
    DemoPerson("scan_review", "applicant.scans@example.org", "SMITH", "JOHN", "СМИТ", "ДЖОН", "GB", "GBR",
               "100000006", "M", date(1990, 4, 5), "en"),
    # In the registry simulator's data set: the MVD knows her passport and her number, +79165550006.
    DemoPerson("mobile_id", "applicant.mobile@example.org", "RAKHIMOVA", "DILNOZA", "РАХИМОВА", "ДИЛНОЗА", "UZ",
               "UZB", "FB7000007", "F", date(1993, 2, 14)),
]  # fmt: skip


def build_td3(
    *, surname: str, given_names: str, number: str, nationality: str, birth: date, sex: str, expiry: date
) -> str:
    """A passport MRZ (two lines of 44 characters) with correct check digits."""
    line1 = f"P<{nationality}{surname}<<{given_names.replace(' ', '<')}".upper().ljust(44, "<")[:44]
    number_field, optional = number.ljust(9, "<"), "<" * 14
    birth_field, expiry_field = f"{birth:%y%m%d}", f"{expiry:%y%m%d}"
    first = number_field + calc_check_digit(number_field)
    born = birth_field + calc_check_digit(birth_field)
    expires = expiry_field + calc_check_digit(expiry_field)
    extra = optional + calc_check_digit(optional)
    line2 = f"{first}{nationality}{born}{sex}{expires}{extra}" + calc_check_digit(first + born + expires + extra)
    return f"{line1}\n{line2}"


def demo_scan_png(seed: int) -> bytes:
    """A sharp 300 dpi PNG that passes the scan checks (a stand-in for a passport page)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1100, 700), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 300, 360), outline=0, width=4)
    for row in range(60, 660, 26):
        for column in range(340 + (seed * 3 + row) % 9, 1060, 15):
            draw.rectangle((column, row, column + 7, row + 11), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300), optimize=True)
    return buffer.getvalue()


def _set_password(account: Account, password: str) -> None:
    account.set_password(password)
    account.save(update_fields=["password"])


def _staff(password: Callable[[], str]) -> list[tuple[str, str, str]]:
    logins = []
    for email, role, group_name in STAFF:
        secret = password()
        account = Account.objects.filter(email=email).first()
        if account is None:
            account = Account.objects.create_user(email, secret, is_staff=True, status="active")
        else:
            _set_password(account, secret)
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            account.groups.add(group)
        logins.append((role, email, secret))
    return logins


def _applicant(person: DemoPerson, index: int, secret: str) -> Applicant:
    """The person's pending application, made the way the wizard makes one (``submit_application``)."""
    account = Account.objects.filter(email=person.email).first()
    if account is not None:
        _set_password(account, secret)
        return account.applicant
    expiry = date(timezone.localdate().year + 5, 1, 31)
    scan = demo_scan_png(index)
    passport = DocumentData(
        role=DocumentRole.IDENTITY,
        kind=DocumentKind.FOREIGN_PASSPORT,
        country=person.citizenship,
        number=person.passport,
        issue_date=date(2021, 2, 1),
        expiry_date=expiry,
        issuing_authority="—",
        mrz=build_td3(
            surname=person.surname,
            given_names=person.given_names,
            number=person.passport,
            nationality=person.nationality,
            birth=person.birth,
            sex=person.sex,
            expiry=expiry,
        ),
        scan=ScanUpload(
            file=io.BytesIO(scan),
            name="passport.png",
            mime_type="image/png",
            size=len(scan),
            sha256=hashlib.sha256(scan).hexdigest(),
        ),
    )
    applicant = submit_application(
        ApplicationData(
            email=person.email,
            phone=f"+7916555{index:04d}",
            password_hash=make_password(secret),
            surname=person.surname,
            given_names=person.given_names,
            surname_cyrillic=person.surname_cyrillic,
            given_names_cyrillic=person.given_names_cyrillic,
            birth_date=person.birth,
            birth_place="—",
            sex=person.sex,
            citizenship=person.citizenship,
            region="77",
            city="Москва",
            street="ул. Тверская",
            house=str(index + 1),
            postcode="125009",
            documents=[passport],
            language=person.language,
        )
    )
    # Spread over the last days, so that the clerks' queue has an order to show.
    Applicant.objects.filter(pk=applicant.pk).update(submitted_at=timezone.now() - timedelta(days=index))
    return applicant


def _start(person: DemoPerson, applicant: Applicant, video_operator: Account | None) -> None:
    account = applicant.account
    if not account.is_pending or IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES).exists():
        return
    if person.method == "service_centre":
        flows.open_confirmation(account, "service_centre", centre=ServiceCentre.objects.first())
    elif person.method == "post_letter":
        confirmation = flows.open_confirmation(account, "post_letter")
        PostLetter.objects.create(
            confirmation=confirmation, account=account, postcode="101000", address="Москва, ул. Мясницкая, 26"
        )
    elif person.method == "video_call":
        confirmation = flows.open_confirmation(account, "video_call")
        if video_operator is not None:
            # A call that began a few minutes ago, so that the operator can decide at once.
            start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=5)
            VideoSlot.objects.update_or_create(
                operator=video_operator,
                starts_at=start,
                defaults={"booked_for": confirmation, "booked_at": timezone.now()},
            )
    else:
        flows.open_confirmation(account, person.method)


def _video_slots(operator: Account) -> None:
    """A few free slots tomorrow for people to book."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    zone = timezone.get_current_timezone()
    for hour in (10, 11, 14, 15):
        VideoSlot.objects.get_or_create(
            operator=operator, starts_at=datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, tzinfo=zone)
        )


def _signature_files(person: DemoPerson) -> tuple[Path, str] | None:
    """With DEBUG on: a demo CA and its CRL in the trusted folder, and a qualified-looking .p12 for the demo
    applicant. Local settings point the trusted folder at ``var/demo/trusted-ca``, which production never reads."""
    if not settings.DEBUG:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    folder = conf.trusted_ca_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "Demo certification authority (not trusted anywhere else)")]
    )
    usage = dict.fromkeys(
        ("key_encipherment", "data_encipherment", "key_agreement", "encipher_only", "decipher_only"), False
    )
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=False, key_cert_sign=True, crl_sign=True, **usage),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    (folder / "demo-ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    # An empty CRL, fresh for as long as the demo CA lives: without one every demo signature is refused.
    crl = (
        x509.CertificateRevocationListBuilder().issuer_name(ca_name).last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=365)).sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    (folder / "demo-ca.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{person.surname} {person.given_names}")])

    def utf8(text: str) -> bytes:
        return bytes([0x0C, len(text)]) + text.encode()

    tools = b"".join(utf8(name) for name in ("Demo CSP", "Demo CA", "-", "-"))
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=180))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_cert_sign=False, crl_sign=False, **usage
            ),
            critical=True,
        )
        # What a qualified certificate carries (FSB order 795): a protection class and the signature tools.
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier("1.2.643.100.113.1"), None)]),
            critical=False,
        )
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.643.100.111"), utf8("Demo CSP")), False)
        .add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.643.100.112"), bytes([0x30, len(tools)]) + tools),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    password = "Demo-Signature-1"  # noqa: S105  (a demo file, made only with DEBUG on)
    path = Path(settings.VAR_DIR) / "demo" / "signature-demo.p12"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"demo", key, certificate, None, serialization.BestAvailableEncryption(password.encode())
        )
    )
    return path, password


def load(password: Callable[[], str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Create the identity demo data; returns log-in lines (role, e-mail, password) and notes to print."""
    logins = _staff(password)
    video_operator = Account.objects.filter(email="video@example.org").first()
    if video_operator is not None:
        _video_slots(video_operator)
    notes = []
    for index, person in enumerate(PEOPLE):
        secret = password()
        applicant = _applicant(person, index, secret)
        _start(person, applicant, video_operator)
        logins.append((f"applicant: {person.method}", person.email, secret))
    consulate_person = next(p for p in PEOPLE if p.method == "consulate")
    notes.append(f"Consulate demo: issue a code for passport {consulate_person.passport}.")
    signature_person = next(p for p in PEOPLE if p.method == "signature")
    files = _signature_files(signature_person)
    if files is not None:
        notes.append(f"Signature demo: upload {files[0]} with the password {files[1]}.")
    return logins, notes
