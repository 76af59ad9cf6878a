"""A person with something of every kind the service keeps, for the personal-data lifecycle's tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from registration.accounts import audit
from registration.accounts.models import Account, Applicant, Consent
from registration.codes import service as codes
from registration.codes.models import OneTimeCode
from registration.identity.models import DocumentRequest, IdentityConfirmation, RequestedScan
from registration.profile.models import ProfileChangeRequest
from registration.support.models import SupportMessage, SupportRequest, SupportStatus
from tests.registration.identity_fixtures import make_applicant, scan_png

PASSWORD = "Correct-Horse-42"


@dataclass
class Person:
    applicant: Applicant
    files: list[str] = field(default_factory=list)  # names in the scans storage
    file_bytes: dict[str, bytes] = field(default_factory=dict)

    @property
    def account(self) -> Account:
        return self.applicant.account


def stored(name: str) -> bool:
    return storages["scans"].exists(name)


@pytest.fixture
def make_person(make_applicant, clerk):
    """A pending applicant with a passport scan, a consent, a confirmation with a requested scan, a change of data
    with its scan, a support thread (an attachment, an answer, an internal note), a code and audit events."""

    def factory(email: str | None = None, *, passport_number: str = "AB1234567", **extra) -> Person:
        applicant = make_applicant(email, passport_number=passport_number, **extra)
        account = applicant.account
        person = Person(applicant)
        document = applicant.documents.get()
        person.files.append(document.scan.name)
        with document.scan.open("rb") as handle:
            person.file_bytes[document.scan.name] = handle.read()
        Consent.objects.create(
            account=account,
            terms_version="2026-12-01",
            notice_version="2026-12-01",
            language="en",
            ip_address="192.0.2.7",
        )
        confirmation = IdentityConfirmation.objects.create(account=account, method="service_centre")
        request = DocumentRequest.objects.create(
            confirmation=confirmation, account=account, requested_by=clerk, message="Please send the visa page."
        )
        requested = RequestedScan(request=request, scan_name="visa.png")
        data = scan_png(7)
        requested.scan.save("visa.png", ContentFile(data), save=True)
        person.files.append(requested.scan.name)
        person.file_bytes[requested.scan.name] = data
        change = ProfileChangeRequest(account=account, kind="names", proposed_json='{"surname": "NEWNAME"}')
        change.scan.save("change.png", ContentFile(scan_png(8)), save=True)
        person.files.append(change.scan.name)
        person.file_bytes[change.scan.name] = scan_png(8)
        thread = SupportRequest.objects.create_numbered(account=account, subject="Cannot upload my visa")
        message = SupportMessage(request=thread, author=account, body="My visa upload fails.")
        message.attachment.save("screen.png", ContentFile(b"\x89PNG screenshot"), save=True)
        person.files.append(message.attachment.name)
        person.file_bytes[message.attachment.name] = b"\x89PNG screenshot"
        SupportMessage.objects.create(request=thread, author=clerk, from_staff=True, body="Try a smaller file.")
        SupportMessage.objects.create(
            request=thread, author=clerk, from_staff=True, internal=True, body="INTERNAL-NOTE-about-the-person"
        )
        codes.issue("phone", f"account:{account.pk}", address=account.phone or "", account=account)
        audit.record(
            "status.blocked", account=account, actor=clerk, reason="Forged visa of ERIKSSON", ip_address="198.51.100.9"
        )
        audit.record("profile.changed", account=account, actor=account, ip_address="192.0.2.7")
        return person

    return factory


__all__ = [
    "PASSWORD",
    "OneTimeCode",
    "Person",
    "SupportStatus",
    "make_applicant",
    "make_person",
    "stored",
]
