"""Profile changes after registration: the plain functions that the cabinet and the clerks' workspace call.

* Contacts: a new e-mail address or phone number gets a code (``registration.codes.contact``, owner
  ``profile:<account>``); only the typed code makes it replace the old one, and the old address (the
  account's e-mail for a phone) is told of the change by e-mail.
* Identity data (names, birth, sex, citizenship; the identity document) comes with a new scan and is
  held as a pending :class:`ProfileChangeRequest`. An active account goes back to review
  (``status.send_to_review``) until a clerk accepts the change (the confirmed data is replaced,
  ``status.activate``) or rejects it (the data stays, ``status.restore_after_review``).
* The address, SNILS and INN change at once.

Every step is audited with the names of the fields that changed, never their values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit, status
from registration.accounts.models import Account, AccountStatus, Applicant, Document, DocumentRole
from registration.codes import contact as codes
from registration.codes.models import CodePurpose, OneTimeCode
from registration.core import mail
from registration.core.errors import FlowError
from registration.core.masking import mask_email, mask_phone
from registration.profile.models import ChangeKind, ChangeState, ProfileChangeRequest
from validators import ValidationError as CheckFailed
from validators import mrz as vmrz
from validators import scans

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "profile.contact_change_started": _("Change of a contact started (code sent)"),
        "profile.contact_change_cancelled": _("Change of a contact cancelled"),
        "profile.email_changed": _("E-mail address changed"),
        "profile.phone_changed": _("Phone number changed"),
        "profile.change_submitted": _("Change of identity data sent for review"),
        "profile.change_accepted": _("Change of identity data accepted"),
        "profile.change_rejected": _("Change of identity data rejected"),
        "profile.address_changed": _("Address changed"),
        "profile.identifiers_changed": _("SNILS or INN changed"),
    }
)

PERSONAL_FIELDS = (
    "surname",
    "given_names",
    "patronymic",
    "surname_cyrillic",
    "given_names_cyrillic",
    "patronymic_cyrillic",
    "birth_date",
    "birth_place",
    "sex",
    "citizenship",
)
DOCUMENT_FIELDS = ("kind", "number", "issue_date", "expiry_date", "issuing_authority", "mrz")
DATE_FIELDS = frozenset({"birth_date", "issue_date", "expiry_date"})
ADDRESS_FIELDS = ("region", "city", "street", "house", "flat", "postcode")
IDENTIFIER_FIELDS = ("snils", "inn")

MESSAGES: dict[str, Any] = {
    "account_blocked": _("Your account is blocked. Contact support."),
    "no_applicant": _("This account has no application data to change."),
    "same_address": _("This is already your address. Enter a new one."),
    "email_taken": _("An account with this e-mail address already exists."),
    "phone_taken": _("An account with this phone number already exists."),
    "no_changes": _("Nothing has changed. Change at least one answer, or go back."),
    "already_pending": _("A change of this data is already waiting for review."),
    "invalid_scan": _("The scan could not be read. Upload a PDF, JPEG or PNG file."),
    "not_pending": _("This change has already been decided."),
    "reason_required": _("Give the reason."),
    "nothing_to_resend": _("No code is waiting to be sent again."),
}


class ProfileError(FlowError):
    """A change that cannot be made; ``code`` is stable (views map it to a field, tests assert it)."""

    messages = MESSAGES


# --- contacts --------------------------------------------------------------------------------------

PURPOSES = {"email": CodePurpose.EMAIL, "phone": CodePurpose.PHONE}


def contact_owner(account: Account) -> str:
    """The owner of the account's contact-change codes (separate from the wizard's and the log-in's)."""
    return f"profile:{account.pk}"


def _ensure_not_blocked(account: Account) -> None:
    if account.status == AccountStatus.BLOCKED:
        raise ProfileError("account_blocked")


def current_contact(account: Account, purpose: str) -> str:
    return (account.email if purpose == CodePurpose.EMAIL else account.phone) or ""


def pending_contact(account: Account, purpose: str) -> OneTimeCode | None:
    """The code row of a change of ``purpose`` waiting for its code (its ``address`` is the new contact)."""
    return codes.current(purpose, contact_owner(account))


def _taken(purpose: str, address: str, account: Account) -> bool:
    field = "email" if purpose == CodePurpose.EMAIL else "phone"
    return Account.objects.filter(**{field: address}).exclude(pk=account.pk).exists()


def start_contact_change(
    account: Account, purpose: str, address: str, *, request: HttpRequest | None = None
) -> codes.SendOutcome:
    """Send a code to the new e-mail address or phone; nothing changes until the code is typed."""
    _ensure_not_blocked(account)
    if purpose == CodePurpose.EMAIL:
        address = Account.objects.normalize_email(address)
    if address == current_contact(account, purpose):
        raise ProfileError("same_address")
    if _taken(purpose, address, account):
        raise ProfileError("email_taken" if purpose == CodePurpose.EMAIL else "phone_taken")
    outcome = codes.send_code(
        purpose,
        contact_owner(account),
        address,
        request=request,
        force=True,
        email_template="profile_email_code",
    )
    if outcome.code == codes.SENT:
        audit.record(
            "profile.contact_change_started",
            account=account,
            actor=account,
            request=request,
            data={"contact": str(purpose)},
        )
    return outcome


def resend_contact_code(account: Account, purpose: str, *, request: HttpRequest | None = None) -> codes.SendOutcome:
    """Send the code for the change waiting for it again (cool-down and rate limits apply)."""
    row = pending_contact(account, purpose)
    if row is None or row.is_confirmed:
        raise ProfileError("nothing_to_resend")
    return codes.send_code(
        purpose,
        contact_owner(account),
        row.address,
        request=request,
        force=True,
        email_template="profile_email_code",
    )


def cancel_contact_change(account: Account, purpose: str, *, request: HttpRequest | None = None) -> None:
    """Forget a change waiting for its code: the contact stays as it is."""
    deleted = codes.discard(purpose, contact_owner(account))
    if deleted:
        audit.record(
            "profile.contact_change_cancelled",
            account=account,
            actor=account,
            request=request,
            data={"contact": str(purpose)},
        )


def confirm_contact_change(
    account: Account, purpose: str, typed: str, *, request: HttpRequest | None = None
) -> codes.CheckOutcome:
    """Check the typed code; when it matches, the new contact replaces the old one at once."""
    row = pending_contact(account, purpose)
    if row is None:
        return codes.CheckOutcome(codes.NO_CODE)
    outcome = codes.check_code(purpose, contact_owner(account), row.address, typed, request=request)
    if outcome.ok:
        apply_contact_change(account, purpose, row.address, request=request)
    return outcome


def apply_contact_change(account: Account, purpose: str, address: str, *, request: HttpRequest | None = None) -> None:
    """Replace the contact (the code was typed), audit it and tell the old address."""
    field = "email" if purpose == CodePurpose.EMAIL else "phone"
    try:
        with transaction.atomic():
            locked = Account.objects.select_for_update().get(pk=account.pk)
            old = getattr(locked, field) or ""
            if _taken(purpose, address, account):
                raise ProfileError(f"{field}_taken")
            Account.objects.filter(pk=account.pk).update(**{field: address, "updated_at": timezone.now()})
            codes.discard(purpose, contact_owner(account))
            audit.record(f"profile.{field}_changed", account=account, actor=account, request=request)
    except IntegrityError:  # the unique index decided a race with another account
        codes.discard(purpose, contact_owner(account))
        raise ProfileError(f"{field}_taken") from None
    except ProfileError:
        codes.discard(purpose, contact_owner(account))
        raise
    setattr(account, field, address)
    if field == "email":
        _tell(account, "profile_email_changed", old, {"new_address": mask_email(address)})
    else:
        _tell(
            account,
            "profile_phone_changed",
            account.email,
            {"old_phone": mask_phone(old), "new_phone": mask_phone(address)},
        )


def _tell(account: Account, name: str, to: str, context: Mapping[str, Any] | None = None) -> None:
    """E-mail the person; a mail failure is logged and never undoes the change."""
    if not to:
        return
    try:
        mail.send_templated(
            name, to, {"account": account, **(context or {})}, language=account.preferred_language or None
        )
    except OSError:
        logger.warning("Profile e-mail %r could not be sent for account %s.", name, account.pk)


# --- identity data: held for review ---------------------------------------------------------------


def applicant_of(account: Account) -> Applicant:
    applicant = Applicant.objects.filter(account=account).first()
    if applicant is None:
        raise ProfileError("no_applicant")
    return applicant


def identity_document(applicant: Applicant) -> Document | None:
    """The identity document in force: the latest one (clerks' lists read the same)."""
    return applicant.documents.filter(role=DocumentRole.IDENTITY).order_by("-created_at", "-pk").first()


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def current_values(applicant: Applicant, kind: str) -> dict[str, str]:
    """The confirmed values of ``kind``'s fields, as plain strings (dates ``YYYY-MM-DD``)."""
    if kind == ChangeKind.PERSONAL:
        return {name: _plain(getattr(applicant, name)) for name in PERSONAL_FIELDS}
    document = identity_document(applicant)
    values = {name: _plain(getattr(document, name, "")) for name in DOCUMENT_FIELDS}
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
        return scans.check(upload, getattr(upload, "name", None))
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
    _ensure_not_blocked(account)
    if kind not in ChangeKind.values:
        raise ValueError(f"Unknown kind of change: {kind!r}")
    applicant = applicant_of(account)
    fields = PERSONAL_FIELDS if kind == ChangeKind.PERSONAL else DOCUMENT_FIELDS
    confirmed = current_values(applicant, kind)
    proposed = {name: _plain(values.get(name)) for name in fields if name in values}
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
    _tell(account, "profile_change_accepted", account.email, {"kind": ChangeKind(locked.kind).label})
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
    _tell(account, "profile_change_rejected", account.email, {"kind": ChangeKind(locked.kind).label, "reason": reason})
    return locked


def _delete_quietly(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("A replaced scan could not be deleted.")


# --- address and identifiers: changed at once -----------------------------------------------------


def _change_directly(
    account: Account, names: tuple[str, ...], values: Mapping[str, Any], action: str, request: HttpRequest | None
) -> list[str]:
    _ensure_not_blocked(account)
    applicant = applicant_of(account)
    # Compared in Python on the account's own row: SNILS and INN are never looked up by value.
    changed = [name for name in names if name in values and _plain(values[name]) != _plain(getattr(applicant, name))]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(applicant, name, _plain(values[name]))
        applicant.save()  # a full save, so that any value derived from these columns is refreshed too
        audit.record(action, account=account, actor=account, request=request, data={"fields": changed})
    return changed


def change_address(account: Account, values: Mapping[str, Any], *, request: HttpRequest | None = None) -> list[str]:
    """Replace the address in Russia; returns the names of the fields that changed."""
    return _change_directly(account, ADDRESS_FIELDS, values, "profile.address_changed", request)


def change_identifiers(account: Account, values: Mapping[str, Any], *, request: HttpRequest | None = None) -> list[str]:
    """Replace SNILS and INN (either may be emptied); returns the names of the fields that changed."""
    return _change_directly(account, IDENTIFIER_FIELDS, values, "profile.identifiers_changed", request)
