"""The account, the person's data and documents, the audit log and the log-in second factor."""

from registration.accounts.models.accounts import (
    Account,
    AccountManager,
    AccountStatus,
    StatusChangeOutsideStateMachine,
)
from registration.accounts.models.audit import AuditEvent, AuditLogIsAppendOnly
from registration.accounts.models.consent import Consent
from registration.accounts.models.people import (
    Applicant,
    Document,
    DocumentKind,
    DocumentRole,
    Sex,
    new_application_number,
    scan_upload_to,
    scans_storage,
)
from registration.accounts.models.second_factor import LoginSecondFactor

__all__ = [
    "Account",
    "AccountManager",
    "AccountStatus",
    "Applicant",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Consent",
    "Document",
    "DocumentKind",
    "DocumentRole",
    "LoginSecondFactor",
    "Sex",
    "StatusChangeOutsideStateMachine",
    "new_application_number",
    "scan_upload_to",
    "scans_storage",
]
