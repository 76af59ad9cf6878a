"""Help content: the questions people ask most, and the support contact channels.

The contact channels come from the ``REGISTRATION_SUPPORT_CONTACTS`` setting so that operations can
change them without a release; the answers are translatable text that links to the right step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.core.conf import app_settings

DEFAULT_CONTACTS: dict[str, Any] = {
    "email": "support@example.org",
    "chat_hours": _("Online chat: every day from 08:00 to 20:00 Moscow time"),
    "office": _("Any service centre (МФЦ) during its opening hours"),
}


def contacts() -> dict[str, Any]:
    """The support channels shown on the help page, the error pages and in e-mails."""
    return {**DEFAULT_CONTACTS, "phones": support_phones(), **app_settings.SUPPORT_CONTACTS}


def support_phones() -> list[dict[str, Any]]:
    """The support line's numbers, each with where it is free from: the 8 800 one works only inside Russia."""
    phones = [{"number": app_settings.SUPPORT_PHONE, "note": _("free of charge within Russia, around the clock")}]
    if app_settings.SUPPORT_PHONE_INTERNATIONAL:
        phones.append(
            {
                "number": app_settings.SUPPORT_PHONE_INTERNATIONAL,
                "note": _("from abroad, around the clock, at your operator's international rates"),
            }
        )
    return phones


@dataclass(frozen=True)
class Question:
    slug: str
    question: Promise
    answer: Promise
    link_label: Promise | None = None
    url_name: str | None = None
    url_args: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        if not self.url_name:
            return None
        try:
            return reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            return reverse("registration:start")


QUESTIONS: tuple[Question, ...] = (
    Question(
        "no-russian-passport",
        _("How do I register without a Russian passport?"),
        _(
            "Use your national passport or another internationally recognised identity document, and "
            "your document of stay in Russia. Registration takes about 15 minutes."
        ),
        _("Start registration"),
        "registration:start",
    ),
    Question(
        "required-fields",
        _("Which fields are required?"),
        _(
            "Your name in Latin letters as in the passport, date and place of birth, citizenship, the "
            "identity document and the document of stay with their scans, your address in Russia, a "
            "mobile phone and an e-mail address. SNILS, INN, a patronymic and a flat number are optional."
        ),
    ),
    Question(
        "where-to-upload",
        _("Where do I upload my documents?"),
        _(
            "In the “Identity document” and “Document of stay” steps. Each scan must be a PDF, JPEG or "
            "PNG file of at most 5 MB, scanned at 300 dpi or more, sharp and not cropped."
        ),
        _("Go to the identity document step"),
        "registration:wizard_step",
        ("identity_document",),
    ),
    Question(
        "how-long",
        _("How long do the checks take?"),
        _(
            "The phone and e-mail are confirmed at once. A clerk checks the documents within a working "
            "day; a confirmation at a service centre takes one visit of about 15 minutes."
        ),
    ),
    Question(
        "app-or-site",
        _("Can I use the mobile app instead of the site?"),
        _(
            "Yes. The site works on any phone browser; every page of the registration fits a small screen "
            "and needs no app."
        ),
    ),
    Question(
        "not-enough-data",
        _("What does the “not enough data” error mean?"),
        _(
            "A required field is empty or a file does not meet the rules. Each page lists the problems at "
            "its top; follow the links to the fields, correct them and continue. What you already typed "
            "and uploaded is kept."
        ),
    ),
    Question(
        "forgotten-password",
        _("I forgot my password."),
        _("On the log-in page choose “Forgot your password?”, type your e-mail and follow the link or code."),
        _("Log in"),
        "registration:login",
    ),
    Question(
        "change-data",
        _("How do I change my data after registration?"),
        _(
            "In your account, open your profile. A new phone or e-mail is confirmed by a code. A change of "
            "name, date of birth, citizenship or document needs a new scan and is checked by a clerk again."
        ),
        _("Open your details"),
        "registration:profile",
    ),
)
