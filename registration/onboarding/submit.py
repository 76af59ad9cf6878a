"""Submitting an application: the plain data the wizard collects, written in one transaction.

Nothing here imports views, forms or the wizard: the callers turn their input into the plain data
classes below.
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import IO

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest

from registration.accounts import audit, consent
from registration.accounts.models import Account, AccountStatus, Applicant, Document
from registration.core import metrics
from registration.core.crypto import compact, lookup_hashes
from registration.core.files import MovableScan, saved_scans
from registration.core.storage import renames_between
from registration.registries import flows as registry_checks

logger = logging.getLogger(__name__)


_SUBMIT_TRIES = 3


class DuplicateContact(Exception):
    """An account with this e-mail or phone exists (perhaps created a moment ago by another request)."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"Already registered: {', '.join(fields)}")
        self.fields = fields


@dataclass(frozen=True)
class ScanUpload:
    """A checked scan waiting in the wizard's storage."""

    file: IO[bytes]
    name: str
    mime_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DocumentData:
    role: str
    kind: str
    number: str
    country: str = ""
    series: str = ""
    issue_date: date | None = None
    expiry_date: date | None = None
    issuing_authority: str = ""
    mrz: str = ""
    scan: ScanUpload | None = None


@dataclass(frozen=True)
class ApplicationData:
    email: str
    phone: str
    password_hash: str
    surname: str
    given_names: str
    surname_cyrillic: str
    given_names_cyrillic: str
    birth_date: date
    birth_place: str
    sex: str
    citizenship: str
    region: str
    city: str
    street: str
    house: str
    postcode: str
    patronymic: str = ""
    patronymic_cyrillic: str = ""
    snils: str = ""
    inn: str = ""
    flat: str = ""
    language: str = ""
    documents: list[DocumentData] = field(default_factory=list)


def taken_contacts(email: str, phone: str) -> list[str]:
    """Which of ``email`` and ``phone`` already belong to an account (``["email", "phone"]`` or fewer)."""
    email = Account.objects.normalize_email(email)
    wanted = ([Q(email=email)] if email else []) + ([Q(phone=phone)] if phone else [])
    if not wanted:
        return []
    # One query for both (each is a unique index): at most two accounts, the e-mail's and the phone's.
    found = list(Account.objects.filter(reduce(operator.or_, wanted)).values_list("email", "phone")[:2])
    taken = []
    if email and any(row_email == email for row_email, _row_phone in found):
        taken.append("email")
    if phone and any(row_phone == phone for _row_email, row_phone in found):
        taken.append("phone")
    return taken


def submit_application(data: ApplicationData, *, request: HttpRequest | None = None) -> Applicant:
    """Create the pending account, the applicant, the documents (scans moved or copied) and the audit event, atomically.

    Raises :class:`DuplicateContact` when the e-mail or phone was registered in the meantime (the
    database's unique constraints decide the race, so two simultaneous submissions cannot both win).
    """
    last_error: IntegrityError | None = None
    for _attempt in range(_SUBMIT_TRIES):
        try:
            applicant = _create(data, request)
            metrics.registration("submitted")
            return applicant
        except IntegrityError as exc:
            taken = taken_contacts(data.email, data.phone)
            if taken:
                raise DuplicateContact(taken) from exc
            last_error = exc  # an application-number collision: draw another number
    assert last_error is not None
    raise last_error


def _create(data: ApplicationData, request: HttpRequest | None) -> Applicant:
    with saved_scans() as written, transaction.atomic():
        account = Account(
            email=Account.objects.normalize_email(data.email),
            phone=data.phone or None,
            status=AccountStatus.PENDING,
            preferred_language=data.language[:8],
        )
        account.password = data.password_hash
        account.save()
        applicant = Applicant.objects.create(
            account=account,
            surname=data.surname,
            given_names=data.given_names,
            patronymic=data.patronymic,
            surname_cyrillic=data.surname_cyrillic,
            given_names_cyrillic=data.given_names_cyrillic,
            patronymic_cyrillic=data.patronymic_cyrillic,
            birth_date=data.birth_date,
            birth_place=data.birth_place,
            sex=data.sex,
            citizenship=data.citizenship,
            snils=data.snils,
            inn=data.inn,
            region=data.region,
            city=data.city,
            street=data.street,
            house=data.house,
            flat=data.flat,
            postcode=data.postcode,
        )
        for doc in data.documents:
            document = Document(
                applicant=applicant,
                role=doc.role,
                kind=doc.kind,
                country=doc.country,
                series=doc.series,
                number=doc.number,
                issue_date=doc.issue_date,
                expiry_date=doc.expiry_date,
                issuing_authority=doc.issuing_authority,
                mrz=doc.mrz,
            )
            if doc.scan is not None:
                document.scan_name = doc.scan.name[:255]
                document.scan_type = doc.scan.mime_type[:16]
                document.scan_size = doc.scan.size
                document.scan_sha256 = doc.scan.sha256
                local = getattr(doc.scan.file, "local_path", None)
                source = getattr(doc.scan.file, "storage", None)
                movable = local is not None and source is not None and renames_between(source, document.scan.storage)
                path = local() if movable else None  # type: ignore[misc]
                if path is not None:
                    # Same disk: a rename instead of a copy; a failure moves it back (saved_scans).
                    document.scan.save(doc.scan.name, MovableScan(doc.scan.file, path), save=False)
                    written.moved_from[document.scan.name] = path
                else:
                    doc.scan.file.seek(0)
                    document.scan.save(doc.scan.name, File(doc.scan.file), save=False)
                written.append(document.scan)
            document.save()
        audit.record(
            "account.created", account=account, actor=account, request=request, to_status=AccountStatus.PENDING
        )
        # The last step's consent box is required, so every submission carries the consent it records.
        consent.record(account, language=data.language, request=request)
        registry_checks.schedule(applicant)
    return applicant


def duplicates_of(applicant: Applicant) -> list[tuple[str, Applicant]]:
    """Other applications with the same identity document, SNILS or INN, found by their keyed hashes.

    The values themselves are encrypted; the hashes are compared under every lookup key, so rows not
    yet re-hashed after a key change are found too. Returns (what matches, the other applicant) pairs.
    """
    found: list[tuple[str, Applicant]] = []
    others = Applicant.objects.exclude(pk=applicant.pk).select_related("account")
    document_hashes = {
        digest
        for document in applicant.documents.all()
        for digest in lookup_hashes("document", compact(f"{document.series}{document.number}"))
    }
    if document_hashes:
        for other in others.filter(documents__number_hash__in=document_hashes).distinct():
            found.append(("document", other))
    for kind in ("snils", "inn"):
        hashes = lookup_hashes(kind, compact(getattr(applicant, kind)))
        if hashes:
            found.extend((kind, other) for other in others.filter(Q(**{f"{kind}_hash__in": hashes})))
    return found
