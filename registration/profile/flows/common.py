"""What every profile change shares: its error, its audit actions, the fields of each kind, and the e-mail."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, AccountStatus, Applicant, Document, DocumentRole
from registration.core import mail
from registration.core.errors import FlowError

logger = logging.getLogger("registration.profile.flows")

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


def ensure_not_blocked(account: Account) -> None:
    if account.status == AccountStatus.BLOCKED:
        raise ProfileError("account_blocked")


def applicant_of(account: Account) -> Applicant:
    applicant = Applicant.objects.filter(account=account).first()
    if applicant is None:
        raise ProfileError("no_applicant")
    return applicant


def identity_document(applicant: Applicant) -> Document | None:
    """The identity document in force: the latest one (clerks' lists read the same)."""
    return applicant.documents.filter(role=DocumentRole.IDENTITY).order_by("-created_at", "-pk").first()


def plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tell(account: Account, name: str, to: str, context: Mapping[str, Any] | None = None) -> None:
    """E-mail the person; a mail failure is logged and never undoes the change."""
    if not to:
        return
    try:
        mail.send_to_account(account, name, context, to=to)
    except OSError:
        logger.warning("Profile e-mail %r could not be sent for account %s.", name, account.pk)
