"""The wizard's steps: names (which are also URL slugs), titles, forms and templates, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.onboarding import forms

TYPE = "type"
CONTACTS = "contacts"
PHONE_CODE = "phone_code"
EMAIL_CODE = "email_code"
PERSONAL = "personal"
NAMES_CYRILLIC = "names_cyrillic"
IDENTITY_DOCUMENT = "identity_document"
STAY_TYPE = "stay_type"
STAY_DOCUMENT = "stay_document"
IDENTIFIERS = "identifiers"
ADDRESS = "address"
PASSWORD = "password"  # noqa: S105 (a step name)
CHECK = "check"


@dataclass(frozen=True)
class Step:
    name: str
    title: Promise
    form: type[forms.StepForm]
    #: Shown on the check page as a section with its own Change link.
    summary_title: Promise | None = None

    @property
    def template(self) -> str:
        return f"onboarding/steps/{self.name}.html"


STEPS: tuple[Step, ...] = (
    Step(TYPE, _("Registration type"), forms.RegistrationTypeForm),
    Step(CONTACTS, _("Your e-mail and mobile phone"), forms.ContactsForm, summary_title=_("Contacts")),
    Step(PHONE_CODE, _("Confirm your phone number"), forms.PhoneCodeForm),
    Step(EMAIL_CODE, _("Confirm your e-mail address"), forms.EmailCodeForm),
    Step(PERSONAL, _("Your personal details"), forms.PersonalForm, summary_title=_("Personal details")),
    Step(
        NAMES_CYRILLIC,
        _("Your name in Russian letters"),
        forms.NamesCyrillicForm,
        summary_title=_("Name in Russian letters"),
    ),
    Step(
        IDENTITY_DOCUMENT,
        _("Your identity document"),
        forms.IdentityDocumentForm,
        summary_title=_("Identity document"),
    ),
    Step(STAY_TYPE, _("Your document of stay in Russia"), forms.StayTypeForm, summary_title=_("Document of stay")),
    Step(
        STAY_DOCUMENT,
        _("Details of your document of stay"),
        forms.StayDocumentForm,
        summary_title=_("Details of the document of stay"),
    ),
    Step(IDENTIFIERS, _("SNILS and INN"), forms.IdentifiersForm, summary_title=_("SNILS and INN")),
    Step(ADDRESS, _("Your address in Russia"), forms.AddressForm, summary_title=_("Address in Russia")),
    Step(PASSWORD, _("Create a password"), forms.PasswordForm, summary_title=_("Password")),
    Step(CHECK, _("Check your answers"), forms.CheckForm),
)

BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}
NAMES: tuple[str, ...] = tuple(BY_NAME)

#: formtools' form_list: ``(name, form class)`` pairs.
FORM_LIST: list[tuple[str, Any]] = [(step.name, step.form) for step in STEPS]

#: Steps shown only in some journeys (``name → callable(wizard) -> bool``); every step is shown today.
CONDITIONS: dict[str, Any] = {}
