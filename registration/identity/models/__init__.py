"""Identity confirmation's data: each attempt, what each method keeps, and the service centres."""

from registration.identity.models.centres import CentreText, ServiceCentre, ServiceCentreTranslation
from registration.identity.models.confirmations import (
    IDENTITY_CODE_PURPOSES,
    OPEN_STATES,
    ConfirmationState,
    DocumentRequest,
    IdentityCode,
    IdentityConfirmation,
    LetterState,
    PendingApplication,
    PostLetter,
    RequestedScan,
    RequestState,
    VideoSlot,
    requested_scan_upload_to,
)
from registration.identity.models.signatures import SignatureCertificate

__all__ = [
    "IDENTITY_CODE_PURPOSES",
    "OPEN_STATES",
    "CentreText",
    "ConfirmationState",
    "DocumentRequest",
    "IdentityCode",
    "IdentityConfirmation",
    "LetterState",
    "PendingApplication",
    "PostLetter",
    "RequestState",
    "RequestedScan",
    "ServiceCentre",
    "ServiceCentreTranslation",
    "SignatureCertificate",
    "VideoSlot",
    "requested_scan_upload_to",
]
