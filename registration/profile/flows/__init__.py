"""Profile changes after registration: the plain functions that the cabinet and the clerks' workspace call.

* Contacts (:mod:`.contacts`): a new e-mail address or phone number gets a code
  (``registration.codes.contact``, owner ``profile:<account>``); only the typed code makes it replace
  the old one, and the old address (the account's e-mail for a phone) is told of the change by e-mail.
* Identity data (:mod:`.review`: names, birth, sex, citizenship; the identity document) comes with a
  new scan and is held as a pending :class:`ProfileChangeRequest`. An active account goes back to
  review (``status.send_to_review``) until a clerk accepts the change (the confirmed data is replaced,
  ``status.activate``) or rejects it (the data stays, ``status.restore_after_review``).
* The address, SNILS and INN (:mod:`.direct`) change at once.

Every step is audited with the names of the fields that changed, never their values.
"""

from registration.profile.flows.common import (
    ADDRESS_FIELDS,
    DATE_FIELDS,
    DOCUMENT_FIELDS,
    IDENTIFIER_FIELDS,
    MESSAGES,
    PERSONAL_FIELDS,
    ProfileError,
    applicant_of,
    identity_document,
)
from registration.profile.flows.contacts import (
    PURPOSES,
    apply_contact_change,
    cancel_contact_change,
    confirm_contact_change,
    contact_owner,
    current_contact,
    pending_contact,
    resend_contact_code,
    start_contact_change,
)
from registration.profile.flows.direct import change_address, change_identifiers
from registration.profile.flows.review import (
    LABELS,
    ChangeRow,
    accept_change,
    changes_of,
    comparison,
    current_values,
    pending_kinds,
    reject_change,
    submit_identity_change,
    typed_value,
)

__all__ = [
    "ADDRESS_FIELDS",
    "DATE_FIELDS",
    "DOCUMENT_FIELDS",
    "IDENTIFIER_FIELDS",
    "LABELS",
    "MESSAGES",
    "PERSONAL_FIELDS",
    "PURPOSES",
    "ChangeRow",
    "ProfileError",
    "accept_change",
    "applicant_of",
    "apply_contact_change",
    "cancel_contact_change",
    "change_address",
    "change_identifiers",
    "changes_of",
    "comparison",
    "confirm_contact_change",
    "contact_owner",
    "current_contact",
    "current_values",
    "identity_document",
    "pending_contact",
    "pending_kinds",
    "reject_change",
    "resend_contact_code",
    "start_contact_change",
    "submit_identity_change",
    "typed_value",
]
