"""The service's data: accounts, applicants and their documents, service centres, the audit log.

Each area lives in its own module; this package re-exports every model so that Django and callers
can import them from ``registration.models``.
"""

from ..contact.models import CodePurpose, ContactCode, LoginSecondFactor
from ..identity.models import (  # noqa: F401  (identity confirmation: registration/identity/)
    DocumentRequest,
    IdentityCode,
    IdentityConfirmation,
    PendingApplication,
    PostLetter,
    RequestedScan,
    SignatureCertificate,
    VideoSlot,
)
from ..profile.models import ChangeKind, ChangeState, ProfileChangeRequest  # noqa: F401  (registration/profile/)
from .accounts import Account, AccountManager, AccountStatus
from .audit import AuditEvent
from .caller import CallerCheck, CallerVerificationAlert, CheckMethod  # noqa: F401  (registration/caller.py)
from .centres import ServiceCentre
from .people import Applicant, Document, DocumentKind, DocumentRole, Sex
from .support import SupportChannel, SupportMessage, SupportRequest, SupportStatus, SupportTopic

__all__ = [
    "Account",
    "AccountManager",
    "AccountStatus",
    "Applicant",
    "AuditEvent",
    "CodePurpose",
    "ContactCode",
    "Document",
    "DocumentKind",
    "DocumentRole",
    "LoginSecondFactor",
    "ServiceCentre",
    "Sex",
    "SupportChannel",
    "SupportMessage",
    "SupportRequest",
    "SupportStatus",
    "SupportTopic",
]
