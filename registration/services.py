"""The flows that views (and the admin) call: submitting an application, support requests, log-in settings.

Nothing here imports views, forms or the wizard: the callers turn their input into the plain data
classes below.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import IO, Any

from django.core.files import File
from django.core.files.move import file_move_safe
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import (
    Account,
    AccountStatus,
    Applicant,
    Document,
    LoginSecondFactor,
    SupportMessage,
    SupportRequest,
    SupportStatus,
    SupportTopic,
)

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "support.request_created": _("Support request sent"),
        "support.message_added": _("Message added to a support request"),
        "login.second_factor_on": _("Log-in SMS code turned on"),
        "login.second_factor_off": _("Log-in SMS code turned off"),
        "login.password_reset": _("Password reset by e-mail"),
    }
)

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


class _Written(list):
    """The scans written during a block; ``moved_from`` maps a moved scan's name to its former path."""

    def __init__(self) -> None:
        super().__init__()
        self.moved_from: dict[str, str] = {}


@contextmanager
def _saved_scans() -> Iterator[_Written]:
    """Collect the scans written during a block; if the block fails (the rows roll back), delete them,
    or move a moved one back to the wizard's storage so that the draft keeps it."""
    written = _Written()
    try:
        yield written
    except BaseException:
        for stored in written:
            try:
                source = written.moved_from.get(stored.name)
                if source is not None:
                    file_move_safe(stored.path, source)
                else:
                    stored.storage.delete(stored.name)
            except OSError:  # pragma: no cover - the storage is already gone
                logger.warning("A scan left behind by a failed submission could not be deleted.")
        raise


class _MovableScan(File):
    """A wizard scan on local disk: ``FileSystemStorage`` moves (renames) it into place, as it does
    Django's temporary uploads, instead of copying it; other storages read it as any file."""

    def __init__(self, upload: Any, path: str) -> None:
        super().__init__(upload, name=upload.name)
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


def submit_application(data: ApplicationData, *, request: HttpRequest | None = None) -> Applicant:
    """Create the pending account, the applicant, the documents (scans moved or copied) and the audit event, atomically.

    Raises :class:`DuplicateContact` when the e-mail or phone was registered in the meantime (the
    database's unique constraints decide the race, so two simultaneous submissions cannot both win).
    """
    last_error: IntegrityError | None = None
    for _attempt in range(_SUBMIT_TRIES):
        try:
            return _create(data, request)
        except IntegrityError as exc:
            taken = taken_contacts(data.email, data.phone)
            if taken:
                raise DuplicateContact(taken) from exc
            last_error = exc  # an application-number collision: draw another number
    assert last_error is not None
    raise last_error


def _create(data: ApplicationData, request: HttpRequest | None) -> Applicant:
    with _saved_scans() as written, transaction.atomic():
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
                path = local() if local is not None and isinstance(document.scan.storage, FileSystemStorage) else None
                if path is not None:
                    # Same disk: a rename instead of a copy; a failure moves it back (_saved_scans).
                    document.scan.save(doc.scan.name, _MovableScan(doc.scan.file, path), save=False)
                    written.moved_from[document.scan.name] = path
                else:
                    doc.scan.file.seek(0)
                    document.scan.save(doc.scan.name, File(doc.scan.file), save=False)
                written.append(document.scan)
            document.save()
        audit.record(
            "account.created", account=account, actor=account, request=request, to_status=AccountStatus.PENDING
        )
    return applicant


# --- duplicates ------------------------------------------------------------------------------------


def duplicates_of(applicant: Applicant) -> list[tuple[str, Applicant]]:
    """Other applications with the same identity document, SNILS or INN, found by their keyed hashes.

    The values themselves are encrypted; the hashes are compared under every lookup key, so rows not
    yet re-hashed after a key change are found too. Returns (what matches, the other applicant) pairs.
    """
    from django.db.models import Q

    from .crypto import compact, lookup_hashes

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


# --- the cabinet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    hint: str = ""


def applicant_of(account: Account) -> Applicant | None:
    return Applicant.objects.filter(account=account).prefetch_related("documents").first()


def pending_checklist(account: Account, applicant: Applicant | None) -> list[ChecklistItem]:
    """What a pending account has done and what is still missing before it can become active."""
    items = [
        ChecklistItem(str(_("Phone number and e-mail address confirmed")), True),
        ChecklistItem(str(_("Application with your documents sent")), applicant is not None),
    ]
    if applicant is not None:
        today = timezone.localdate()
        for document in applicant.documents.all():
            if document.expiry_date and document.expiry_date < today:
                items.append(
                    ChecklistItem(
                        str(_("%(document)s is valid") % {"document": document.get_kind_display()}),
                        False,
                        str(_("It has expired: contact support to replace it.")),
                    )
                )
    items.append(
        ChecklistItem(
            str(_("Identity confirmed")),
            False,
            str(_("Choose one of the ways below. A clerk then checks your documents.")),
        )
    )
    return items


def support_requests_of(account: Account, limit: int | None = None) -> list[SupportRequest]:
    queryset = SupportRequest.objects.filter(account=account).order_by("-created_at", "-pk")
    return list(queryset[:limit] if limit else queryset)


# --- support requests ---------------------------------------------------------------------------


def create_support_request(
    account: Account,
    *,
    subject: str,
    body: str,
    topic: str = SupportTopic.ACCESS,
    attachment: IO[bytes] | None = None,
    attachment_name: str = "",
    request: HttpRequest | None = None,
) -> SupportRequest:
    """Open a support request with its first message (and an optional screenshot)."""
    with _saved_scans() as written, transaction.atomic():
        support = SupportRequest.objects.create(account=account, topic=topic, subject=subject[:200])
        message = SupportMessage(request=support, author=account, body=body)
        if attachment is not None:
            attachment.seek(0)
            message.attachment.save(attachment_name or "screenshot", File(attachment), save=False)
            written.append(message.attachment)
        message.save()
        audit.record(
            "support.request_created", account=account, actor=account, request=request, data={"number": support.number}
        )
    return support


def add_support_message(
    support: SupportRequest,
    *,
    author: Account,
    body: str,
    attachment: IO[bytes] | None = None,
    attachment_name: str = "",
    request: HttpRequest | None = None,
) -> SupportMessage:
    """The person writes again in their request (optionally with a screenshot): it goes back to the queue."""
    with _saved_scans() as written, transaction.atomic():
        message = SupportMessage(request=support, author=author, body=body, from_staff=False)
        if attachment is not None:
            attachment.seek(0)
            message.attachment.save(attachment_name or "screenshot", File(attachment), save=False)
            written.append(message.attachment)
        message.save()
        if support.status in (SupportStatus.WAITING, SupportStatus.RESOLVED):
            support.status = SupportStatus.NEW
        support.updated_at = timezone.now()
        support.save(update_fields=["status", "updated_at"])
        audit.record(
            "support.message_added", account=author, actor=author, request=request, data={"number": support.number}
        )
    return message


# --- log-in second factor -----------------------------------------------------------------------


def has_second_factor(account: Account) -> bool:
    return LoginSecondFactor.objects.filter(account=account).exists()


def set_second_factor(account: Account, enabled: bool, *, request: HttpRequest | None = None) -> None:
    """Turn the log-in SMS code on or off for ``account`` (it needs a phone to turn it on)."""
    with transaction.atomic():
        if enabled:
            if not account.phone:
                raise ValueError("An account without a phone cannot receive log-in codes.")
            _row, created = LoginSecondFactor.objects.get_or_create(account=account)
            if created:
                audit.record("login.second_factor_on", account=account, actor=account, request=request)
        else:
            deleted, _rows = LoginSecondFactor.objects.filter(account=account).delete()
            if deleted:
                audit.record("login.second_factor_off", account=account, actor=account, request=request)
