"""One form per wizard step, in a module per group of steps. Every ``clean()`` is pure: it reads, never
sends or writes.

Forms that depend on earlier answers (the citizenship for the passport number, the Latin names for
the Cyrillic ones, the chosen kind of document of stay) receive them as keyword arguments from the
wizard view, so that ``done()`` can re-validate every step with the same inputs.
"""

from registration.onboarding.forms.account import (
    CheckForm,
    PasswordForm,
    captcha_enabled,
    password_hash_from_token,
    password_token,
    portal_captcha_field,
)
from registration.onboarding.forms.address import AddressForm, IdentifiersForm
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.contacts import (
    CODE_ERRORS,
    CodeForm,
    ContactsForm,
    EmailCodeForm,
    PhoneCodeForm,
    RegistrationType,
    RegistrationTypeForm,
)
from registration.onboarding.forms.documents import IDENTITY_KINDS, STATELESS_IDENTITY_KINDS, IdentityDocumentForm
from registration.onboarding.forms.person import NAME_PAIRS, NamesCyrillicForm, PersonalForm, spelling_error
from registration.onboarding.forms.stay import STAY_KINDS, STAY_LAYOUT, StayDocumentForm, StayTypeForm
from registration.onboarding.forms.widgets import DOCUMENT_SIZES, WizardScanField, document_size, text

__all__ = [
    "CODE_ERRORS",
    "DOCUMENT_SIZES",
    "IDENTITY_KINDS",
    "NAME_PAIRS",
    "STATELESS_IDENTITY_KINDS",
    "STAY_KINDS",
    "STAY_LAYOUT",
    "AddressForm",
    "CheckForm",
    "CodeForm",
    "ContactsForm",
    "EmailCodeForm",
    "IdentifiersForm",
    "IdentityDocumentForm",
    "NamesCyrillicForm",
    "PasswordForm",
    "PersonalForm",
    "PhoneCodeForm",
    "RegistrationType",
    "RegistrationTypeForm",
    "StayDocumentForm",
    "StayTypeForm",
    "StepForm",
    "WizardScanField",
    "captcha_enabled",
    "document_size",
    "password_hash_from_token",
    "password_token",
    "portal_captcha_field",
    "spelling_error",
    "text",
]
