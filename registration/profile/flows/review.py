"""Identity data (names, birth, sex, citizenship; the identity document): held with a new scan for a clerk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit, status
from registration.accounts.models import Account, AccountStatus, Applicant, Document, DocumentRole
from registration.profile.flows.common import (
    DATE_FIELDS,
    DOCUMENT_FIELDS,
    PERSONAL_FIELDS,
    ProfileError,
    applicant_of,
    ensure_not_blocked,
    identity_document,
    logger,
    plain,
    tell,
)
from registration.profile.models import ChangeKind, ChangeState, ProfileChangeRequest
from validators import ValidationError as CheckFailed
from validators import mrz as vmrz
from validators import scans


def current_values(applicant: Applicant, kind: str) -> dict[str, str]:
    """The confirmed values of ``kind``'s fields, as plain strings (dates ``YYYY-MM-DD``)."""
    if kind == ChangeKind.PERSONAL:
        return {name: plain(getattr(applicant, name)) for name in PERSONAL_FIELDS}
    document = identity_document(applicant)
    values = {name: plain(getattr(document, name, "")) for name in DOCUMENT_FIELDS}
    values["mrz"] = vmrz.compact(values["mrz"]) if values["mrz"] else ""  # typed zones differ in line ends
    return values


def typed_value(name: str, value: str) -> Any:
    """A stored proposal's value back as Python (a date for date fields, ``None`` for an empty date)."""
    if name in DATE_FIELDS:
        return date.fromisoformat(value) if value else None
    return value


@contextmanager
def _removed_on_failure(file: FieldFile) -> Iterator[None]:
    """Delete the scan written in the block if the block fails (its row is rolled back)."""
    try:
        yield
    except BaseException:
        if file.name:
            try:
                file.storage.delete(file.name)
            except OSError:  # pragma: no cover - the storage is already gone
                logger.warning("A scan left behind by a failed change could not be deleted.")
        raise


def _scan_info(upload: Any) -> scans.ScanInfo:
    info = getattr(upload, "scan_info", None)
    if isinstance(info, scans.ScanInfo):
        return info
    try:
        return scans.check(upload, getattr(upload, "name", None), physical_size=scans.PhysicalSize.ID3)
    except CheckFailed:
        raise ProfileError("invalid_scan") from None


def submit_identity_change(
    account: Account,
    kind: str,
    values: Mapping[str, Any],
    scan: Any,
    *,
    request: HttpRequest | None = None,
) -> ProfileChangeRequest:
    """Hold the changed identity data with its new scan for a clerk; an active account goes back to review."""
    ensure_not_blocked(account)
    if kind not in ChangeKind.values:
        raise ValueError(f"Unknown kind of change: {kind!r}")
    applicant = applicant_of(account)
    fields = PERSONAL_FIELDS if kind == ChangeKind.PERSONAL else DOCUMENT_FIELDS
    confirmed = current_values(applicant, kind)
    proposed = {name: plain(values.get(name)) for name in fields if name in values}
    changes = {name: value for name, value in proposed.items() if value != confirmed.get(name, "")}
    if not changes:
        raise ProfileError("no_changes")
    info = _scan_info(scan)
    change = ProfileChangeRequest(
        account=account,
        kind=kind,
        scan_name=(getattr(scan, "name", "") or "")[:255],
        scan_type=info.kind,
        scan_size=info.size,
        scan_sha256=info.sha256,
    )
    change.proposed = changes
    with _removed_on_failure(change.scan), transaction.atomic():
        locked = Account.objects.select_for_update().only("pk", "status").get(pk=account.pk)
        if locked.status == AccountStatus.BLOCKED:
            raise ProfileError("account_blocked")
        waiting = ProfileChangeRequest.objects.filter(account=account, state=ChangeState.PENDING)
        if waiting.filter(kind=kind).exists():
            raise ProfileError("already_pending")
        # A second change sent during a review belongs to the same review: it inherits "was active".
        change.was_active = locked.status == AccountStatus.ACTIVE or waiting.filter(was_active=True).exists()
        scan.seek(0)
        change.scan.save(getattr(scan, "name", "") or "scan", scan, save=False)
        change.save()
        audit.record(
            "profile.change_submitted",
            account=account,
            actor=account,
            request=request,
            data={"change": change.pk, "kind": kind, "fields": sorted(changes)},
        )
        if locked.status == AccountStatus.ACTIVE:
            status.send_to_review(
                account, by=account, reason=str(_("Identity data changed: a clerk checks it.")), request=request
            )
    return change


def changes_of(account: Account, limit: int | None = 20) -> list[ProfileChangeRequest]:
    queryset = ProfileChangeRequest.objects.filter(account=account).order_by("-submitted_at", "-pk")
    return list(queryset[:limit] if limit else queryset)


def pending_kinds(account: Account) -> set[str]:
    return set(
        ProfileChangeRequest.objects.filter(account=account, state=ChangeState.PENDING).values_list("kind", flat=True)
    )


@dataclass(frozen=True)
class ChangeRow:
    """One proposed field beside its confirmed value, for the clerk's comparison."""

    name: str
    label: Any
    confirmed: str
    proposed: str


LABELS: dict[str, Any] = {
    "surname": _("Surname (Latin)"),
    "given_names": _("Given names (Latin)"),
    "patronymic": _("Patronymic (Latin)"),
    "surname_cyrillic": _("Surname (Cyrillic)"),
    "given_names_cyrillic": _("Given names (Cyrillic)"),
    "patronymic_cyrillic": _("Patronymic (Cyrillic)"),
    "birth_date": _("Date of birth"),
    "birth_place": _("Place of birth"),
    "sex": _("Sex"),
    "citizenship": _("Citizenship"),
    "kind": _("Type of document"),
    "number": _("Document number"),
    "issue_date": _("Date of issue"),
    "expiry_date": _("Valid until"),
    "issuing_authority": _("Issued by"),
    "mrz": _("Machine-readable zone"),
}


def _display(name: str, value: str) -> str:
    if not value:
        return "—"
    if name in DATE_FIELDS:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    return value


def comparison(change: ProfileChangeRequest, applicant: Applicant) -> list[ChangeRow]:
    """The proposed fields of ``change`` with the values confirmed now."""
    confirmed = current_values(applicant, change.kind)
    return [
        ChangeRow(name, LABELS.get(name, name), _display(name, confirmed.get(name, "")), _display(name, value))
        for name, value in sorted(change.proposed.items(), key=lambda item: list(LABELS).index(item[0]))
        if name in LABELS
    ]


def _lock_pending(change: ProfileChangeRequest) -> tuple[ProfileChangeRequest, Account]:
    locked = ProfileChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.state != ChangeState.PENDING:
        raise ProfileError("not_pending")
    account = Account.objects.select_for_update().get(pk=locked.account_id)
    if account.status == AccountStatus.BLOCKED:
        raise ProfileError("account_blocked")
    return locked, account


def _review_over(change: ProfileChangeRequest, account: Account) -> bool:
    """Whether deciding ``change`` ends a review of an account that was active before it."""
    others = ProfileChangeRequest.objects.filter(account=account, state=ChangeState.PENDING).exclude(pk=change.pk)
    return change.was_active and account.status == AccountStatus.PENDING and not others.exists()


def _apply(change: ProfileChangeRequest, applicant: Applicant) -> str:
    """Write the accepted values over the confirmed data; returns the replaced scan's name (or "")."""
    values = {name: typed_value(name, value) for name, value in change.proposed.items()}
    if change.kind == ChangeKind.PERSONAL:
        for name in PERSONAL_FIELDS:
            if name in values:
                setattr(applicant, name, values[name])
        applicant.save()
        return ""
    document = identity_document(applicant) or Document(
        applicant=applicant, role=DocumentRole.IDENTITY, country=applicant.citizenship
    )
    for name in DOCUMENT_FIELDS:
        if name in values:
            setattr(document, name, values[name])
    replaced = document.scan.name if document.scan else ""
    document.scan = change.scan.name  # the reviewed scan becomes the document's own
    document.scan_name = change.scan_name
    document.scan_type = change.scan_type
    document.scan_size = change.scan_size
    document.scan_sha256 = change.scan_sha256
    document.save()  # a full save: computed columns (the last digits) follow the new number
    return replaced if replaced != change.scan.name else ""


def accept_change(
    change: ProfileChangeRequest, *, by: Account, request: HttpRequest | None = None
) -> ProfileChangeRequest:
    """A clerk accepts: the proposal replaces the confirmed data; an account under review is active again."""
    with transaction.atomic():
        locked, account = _lock_pending(change)
        applicant = applicant_of(account)
        replaced = _apply(locked, applicant)
        review_over = _review_over(locked, account)
        locked.state = ChangeState.ACCEPTED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["state", "decided_at", "decided_by"])
        audit.record(
            "profile.change_accepted",
            account=account,
            actor=by,
            request=request,
            data={"change": locked.pk, "kind": locked.kind, "fields": sorted(locked.proposed)},
        )
        if review_over:
            status.activate(account, by=by, reason=str(_("Change of identity data accepted.")), request=request)
        if replaced:
            storage = locked.scan.storage
            transaction.on_commit(lambda: _delete_quietly(storage, replaced))
    tell(account, "profile_change_accepted", account.email, {"kind": ChangeKind(locked.kind).label})
    return locked


def reject_change(
    change: ProfileChangeRequest, *, by: Account, reason: str, request: HttpRequest | None = None
) -> ProfileChangeRequest:
    """A clerk rejects: the confirmed data stays; an account that was active is active again."""
    reason = (reason or "").strip()
    if not reason:
        raise ProfileError("reason_required")
    with transaction.atomic():
        locked, account = _lock_pending(change)
        review_over = _review_over(locked, account)
        locked.state = ChangeState.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.reason = reason
        locked.save(update_fields=["state", "decided_at", "decided_by", "reason"])
        audit.record(
            "profile.change_rejected",
            account=account,
            actor=by,
            request=request,
            reason=reason,
            data={"change": locked.pk, "kind": locked.kind},
        )
        if review_over:
            status.restore_after_review(account, by=by, reason=reason, request=request)
    tell(account, "profile_change_rejected", account.email, {"kind": ChangeKind(locked.kind).label, "reason": reason})
    return locked


def _delete_quietly(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("A replaced scan could not be deleted.")
