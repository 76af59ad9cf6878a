"""One form per wizard step. Every ``clean()`` is pure: it reads, never sends or writes.

Forms that depend on earlier answers (the citizenship for the passport number, the Latin names for
the Cyrillic ones, the chosen kind of document of stay) receive them as keyword arguments from the
wizard view, so that ``done()`` can re-validate every step with the same inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

import validators
from registration.accounts.identifiers import check_registration_email
from registration.accounts.models import Account, DocumentKind, Sex
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core.conf import app_settings
from registration.core.form_messages import RequiredMessagesMixin
from registration.onboarding import submit as services
from validators import dates as vdates
from validators import documents as vdocuments
from validators import mrz as vmrz
from validators import names as vnames
from validators import regions as vregions
from validators.django import (
    BirthDateField,
    CyrillicNameField,
    DateField,
    InnField,
    LatinNameField,
    MRZField,
    PassportNumberField,
    PhoneField,
    PostcodeField,
    RegionField,
    ScanField,
    SnilsField,
    ValidUntilField,
    to_django_error,
    validate_document,
    validate_passport_number,
)

PASSWORD_TOKEN_SALT = "registration.wizard.password"  # noqa: S105 (a signing salt, not a secret)

# --- widgets ---------------------------------------------------------------------------------


def text(autocomplete: str = "off", *, css: str = "", inputmode: str = "", spellcheck: bool = False) -> forms.TextInput:
    attrs = {"autocomplete": autocomplete, "spellcheck": "true" if spellcheck else "false"}
    if css:
        attrs["class"] = css
    if inputmode:
        attrs["inputmode"] = inputmode
    return forms.TextInput(attrs=attrs)


def date_input(autocomplete: str = "off") -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": autocomplete, "inputmode": "numeric", "class": "input-short", "placeholder": ""}
    )


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not by one template render each.

    The country list has about 250 entries: rendering them through Django's per-option widget
    templates costs more than the whole rest of the page.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in selected else "", label) for key, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class StepForm(RequiredMessagesMixin, forms.Form):
    """Common behaviour: a hint per field rendered by the template, its own message per empty field, and
    ``summary()`` for the check page."""

    # The server validates and explains; browsers' own "required" bubbles would only get in the way
    # (and a kept scan must not make the file input look empty and required).
    use_required_attribute = False

    #: Fields shown on the check page, in order; ``None`` means every field.
    summary_fields: tuple[str, ...] | None = None

    def summary(self) -> list[tuple[str, str]]:
        """``(label, value)`` pairs for the check page, from cleaned data."""
        rows = []
        names = self.summary_fields or tuple(self.fields)
        for name in names:
            if name not in self.fields:
                continue
            field = self.fields[name]
            value = self.cleaned_data.get(name)
            rows.append((str(field.label), display_value(field, value)))
        return rows


def display_value(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return str(_("Not given"))
    if isinstance(value, date):
        return vdates.format(value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    display = getattr(field, "display", None)
    if display is not None:
        return str(display(value))
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    return str(value)


# --- 1. registration type --------------------------------------------------------------------


class RegistrationType:
    FOREIGN = "foreign"
    RUSSIAN = "russian"


class RegistrationTypeForm(StepForm):
    registration_type = forms.ChoiceField(
        label=_("Who are you registering as?"),
        choices=[
            (RegistrationType.FOREIGN, _("A foreign citizen (or a stateless person)")),
            (RegistrationType.RUSSIAN, _("A citizen of Russia")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who you are registering as."),
            "invalid_choice": _("Choose one of the options."),
        },
    )


# --- 2. contacts ------------------------------------------------------------------------------


class ContactsForm(StepForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("You will log in with it. We will send a confirmation code to it."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )
    phone = PhoneField(
        label=_("Mobile phone number"),
        help_text=_("In international format with the country code, for example +998 90 123 45 67."),
        error_messages={"required": _("Enter your mobile phone number.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel", "type": "tel"})
        self.fields["phone"].widget.input_type = "tel"

    def clean_email(self) -> str:
        # Accounts store the normal form (Account.save), so an exact match uses the unique index.
        return check_registration_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Both contacts in one query: the code steps, the password step and the check page validate it again.
        taken = services.taken_contacts(cleaned.get("email", ""), cleaned.get("phone", ""))
        if "email" in taken:
            self.add_error(
                "email", ValidationError(_("An account with this e-mail address already exists."), code="email_taken")
            )
        if "phone" in taken:
            self.add_error(
                "phone", ValidationError(_("An account with this phone number already exists."), code="phone_taken")
            )
        return cleaned


# --- 3–4. confirmation codes --------------------------------------------------------------------

CODE_ERRORS: dict[str, Any] = {
    codes.WRONG: _("The code is wrong. Check the last message and type it again (tries left: %(left)s)."),
    codes.EXPIRED: _("The code has expired. Ask for a new one."),
    codes.TOO_MANY_ATTEMPTS: _("Too many wrong codes. Ask for a new one."),
    codes.NO_CODE: _("We have not sent a code to this address yet. Ask for one."),
    codes.RATE_LIMITED: _("Too many attempts from your network. Wait a few minutes and try again."),
    "code_required": _("Enter the code from the message."),
    "code_format": _("The code has 6 digits."),
}


class CodeForm(StepForm):
    """Passes when the contact is confirmed in the database (by a code typed here or by the e-mail link)."""

    purpose: str = ""
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input-code",
                "spellcheck": "false",
            }
        ),
    )
    summary_fields = ()

    def __init__(
        self,
        *args: Any,
        owner: str = "",
        address: str = "",
        outcome: str = "",
        attempts_left: int = 0,
        confirmed: set[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.address = address
        self.outcome = outcome  # what the view's check of the typed code said, if it checked one
        self.attempts_left = attempts_left
        # The view may pass the draft's confirmed contacts, read once per request for both code steps.
        self.confirmed = confirmed

    def is_confirmed(self) -> bool:
        if self.confirmed is not None:
            return (str(self.purpose), self.address) in self.confirmed
        return codes.is_confirmed(self.purpose, self.owner, self.address)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.address and self.is_confirmed():
            return cleaned
        typed = "".join((cleaned.get("code") or "").split())
        if not typed:
            self.add_error("code", ValidationError(CODE_ERRORS["code_required"], code="code_required"))
        elif not (typed.isdigit() and typed.isascii() and len(typed) == codes.code_length()):
            self.add_error("code", ValidationError(CODE_ERRORS["code_format"], code="code_format"))
        else:
            outcome = self.outcome if self.outcome in CODE_ERRORS else codes.WRONG
            params = {"left": self.attempts_left}
            self.add_error("code", ValidationError(CODE_ERRORS[outcome], code=outcome, params=params))
        return cleaned


class PhoneCodeForm(CodeForm):
    purpose = CodePurpose.PHONE


class EmailCodeForm(CodeForm):
    purpose = CodePurpose.EMAIL


# --- 5. personal data ------------------------------------------------------------------------


_CITIZENSHIP_CHOICES: dict[str, list[tuple[str, str]]] = {}


class CountryChoiceField(forms.ChoiceField):
    """The citizenship list, checked against a set of codes rather than by walking ~250 choices."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and value in countries.countries

    def display(self, value: str) -> str:
        return str(countries.name(value))


class QuickRegionField(RegionField):
    """The region list (89 subjects), checked by the library rather than by walking every choice."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and vregions.is_valid(value)

    def display(self, value: str) -> str:
        language = "ru" if (translation.get_language() or "ru").startswith("ru") else "en"
        return f"{value} {vregions.name(value, language)}"


def citizenship_choices() -> list[tuple[str, str]]:
    """Every country in the page's language, sorted by name (built once per language)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in _CITIZENSHIP_CHOICES:
        _CITIZENSHIP_CHOICES[language] = [
            ("", str(_("Choose a country"))),
            *((code, str(name)) for code, name in countries),
        ]
    return _CITIZENSHIP_CHOICES[language]


class PersonalForm(StepForm):
    surname = LatinNameField(
        label=_("Surname"), help_text=_("In Latin letters, exactly as in your passport."), max_length=100
    )
    given_names = LatinNameField(
        label=_("Given names"), help_text=_("In Latin letters, exactly as in your passport."), max_length=100
    )
    patronymic = LatinNameField(
        label=_("Patronymic (if you have one)"),
        help_text=_("Only if your passport shows one."),
        required=False,
        max_length=100,
    )
    birth_date = BirthDateField(label=_("Date of birth"), help_text=_("For example, 25.03.1990 (DD.MM.YYYY)."))
    birth_place = forms.CharField(
        label=_("Place of birth"),
        help_text=_("As in your passport."),
        max_length=200,
        widget=text(),
        error_messages={"required": _("Enter your place of birth.")},
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your sex as in your passport.")},
    )
    citizenship = CountryChoiceField(
        label=_("Citizenship"),
        choices=citizenship_choices,
        widget=QuickSelect(attrs={"autocomplete": "country"}),
        error_messages={
            "required": _("Choose your citizenship."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    required_messages = {
        "surname": _("Enter your surname as it is written in your passport."),
        "given_names": _("Enter your given names as they are written in your passport."),
        "birth_date": _("Enter your date of birth."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surname"].widget.attrs.update({"autocomplete": "family-name"})
        self.fields["given_names"].widget.attrs.update({"autocomplete": "given-name"})
        self.fields["patronymic"].widget.attrs.update({"autocomplete": "additional-name"})
        self.fields["birth_date"].widget.attrs.update(
            {"autocomplete": "bday", "inputmode": "numeric", "class": "input-short"}
        )

    def clean_citizenship(self) -> str:
        value = self.cleaned_data["citizenship"]
        if value == "RU":
            raise ValidationError(
                _("This service is for foreign citizens. Citizens of Russia register with a Russian passport."),
                code="citizenship_russian",
            )
        return value


# --- 6. name in Cyrillic ---------------------------------------------------------------------


class NamesCyrillicForm(StepForm):
    surname_cyrillic = CyrillicNameField(label=_("Surname in Russian letters"), widget=text())
    given_names_cyrillic = CyrillicNameField(label=_("Given names in Russian letters"), widget=text())
    patronymic_cyrillic = CyrillicNameField(label=_("Patronymic in Russian letters"), required=False, widget=text())

    PAIRS = (
        ("surname", "surname_cyrillic"),
        ("given_names", "given_names_cyrillic"),
        ("patronymic", "patronymic_cyrillic"),
    )
    required_messages = {
        "surname_cyrillic": _("Enter your surname in Russian letters."),
        "given_names_cyrillic": _("Enter your given names in Russian letters."),
        "patronymic_cyrillic": _("Enter your patronymic in Russian letters."),
    }

    def __init__(self, *args: Any, latin: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self.latin = dict(latin or {})
        kwargs.setdefault("initial", {})
        for latin_name, cyrillic_name in self.PAIRS:
            if self.latin.get(latin_name):
                kwargs["initial"].setdefault(cyrillic_name, vnames.to_cyrillic(self.latin[latin_name]))
        super().__init__(*args, **kwargs)
        for latin_name, cyrillic_name in self.PAIRS:
            field = self.fields[cyrillic_name]
            field.latin_value = self.latin.get(latin_name, "")
            field.help_text = _("In your passport: %(name)s") % {"name": field.latin_value} if field.latin_value else ""
        if not self.latin.get("patronymic"):
            del self.fields["patronymic_cyrillic"]
        else:
            self.fields["patronymic_cyrillic"].required = True

    def _clean_pair(self, latin_name: str, cyrillic_name: str) -> str:
        value = self.cleaned_data.get(cyrillic_name, "")
        if not value:
            return value
        if not vnames.matches(self.latin.get(latin_name, ""), value):
            raise ValidationError(
                _("This does not spell the name in your passport (%(latin)s). Check the letters."),
                code="cyrillic_mismatch",
                params={"latin": self.latin.get(latin_name, "")},
            )
        return value

    def clean_surname_cyrillic(self) -> str:
        return self._clean_pair("surname", "surname_cyrillic")

    def clean_given_names_cyrillic(self) -> str:
        return self._clean_pair("given_names", "given_names_cyrillic")

    def clean_patronymic_cyrillic(self) -> str:
        return self._clean_pair("patronymic", "patronymic_cyrillic")


# --- 7. identity document ----------------------------------------------------------------------


class WizardScanField(ScanField):
    """A scan already checked and kept in the wizard's storage is not decoded again on every visit."""

    widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def clean(self, data: Any, initial: Any = None) -> Any:
        if getattr(data, "scan_info", None) and getattr(data, "tmp_name", None):
            return data
        return super().clean(data, initial)


IDENTITY_KINDS = [
    (DocumentKind.FOREIGN_PASSPORT, DocumentKind.FOREIGN_PASSPORT.label),
    (DocumentKind.OTHER_IDENTITY, DocumentKind.OTHER_IDENTITY.label),
]


class IdentityDocumentForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Type of document"),
        choices=IDENTITY_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of document.")},
    )
    number = PassportNumberField(
        label=_("Document number"),
        help_text=_("Letters and digits as printed, without spaces."),
        widget=text(css="input-short"),
    )
    issue_date = DateField(label=_("Date of issue"), help_text=_("For example, 25.03.2020 (DD.MM.YYYY)."))
    expiry_date = ValidUntilField(
        label=_("Valid until"),
        help_text=_("The document must be valid for at least 6 more months. For example, 25.03.2030."),
    )
    issuing_authority = forms.CharField(
        label=_("Issued by"),
        max_length=300,
        widget=text(),
        error_messages={"required": _("Enter who issued the document, as written in it.")},
    )
    scan = WizardScanField(
        label=_("Scan or photo of the page with your photo"),
        help_text=_("PDF, JPEG or PNG, up to 5 MB, at least 300 dpi, sharp and not cropped."),
    )
    mrz = MRZField(
        label=_("Machine-readable zone (optional)"),
        help_text=_("The two lines with <<< at the bottom of the photo page. We compare them with what you typed."),
        required=False,
    )
    summary_fields = ("kind", "number", "issue_date", "expiry_date", "issuing_authority", "scan")
    required_messages = {
        "number": _("Enter the document number as it is printed in the document."),
        "issue_date": _("Enter the date of issue."),
        "expiry_date": _("Enter the date until which the document is valid."),
        "scan": _("Attach a scan or photo of the page with your photo."),
    }

    def __init__(self, *args: Any, personal: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.personal = dict(personal or {})
        self.country = str(self.personal.get("citizenship") or "")
        for name in ("issue_date", "expiry_date"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input-short", "autocomplete": "off"}
            )
        self.fields["mrz"].widget = forms.Textarea(
            attrs={"rows": 2, "cols": 46, "spellcheck": "false", "autocomplete": "off"}
        )

    def clean_issue_date(self) -> date:
        value = self.cleaned_data["issue_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of issue cannot be in the future."), code="issue_date_future")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number = cleaned.get("number")
        if number and cleaned.get("kind") == DocumentKind.FOREIGN_PASSPORT and self.country:
            try:
                cleaned["number"] = validate_passport_number(number, self.country)
            except ValidationError as exc:
                self.add_error("number", exc)
        issued, expires = cleaned.get("issue_date"), cleaned.get("expiry_date")
        if issued and expires and expires <= issued:
            self.add_error(
                "expiry_date",
                ValidationError(_("The expiry date must come after the date of issue."), code="expiry_before_issue"),
            )
        zone = cleaned.get("mrz")
        if zone:
            self._cross_check(zone, cleaned)
        return cleaned

    def _cross_check(self, zone: vmrz.MRZ, cleaned: dict[str, Any]) -> None:
        """A difference between the zone and the typed data is an error on the field that differs."""
        number = cleaned.get("number")
        if number and zone.document_number.replace("<", "") != number:
            self.add_error(
                "number",
                ValidationError(
                    _("The number differs from the machine-readable zone (%(mrz)s)."),
                    code="mrz_mismatch_number",
                    params={"mrz": zone.document_number},
                ),
            )
        expires = cleaned.get("expiry_date")
        if expires and zone.expiry_date != expires:
            self.add_error(
                "expiry_date",
                ValidationError(
                    _("The expiry date differs from the machine-readable zone (%(mrz)s)."),
                    code="mrz_mismatch_expiry_date",
                    params={"mrz": vdates.format(zone.expiry_date)},
                ),
            )
        birth = self.personal.get("birth_date")
        if birth and zone.birth_date != birth:
            self.add_error(
                "mrz",
                ValidationError(
                    _("The date of birth in the zone (%(mrz)s) differs from the one you gave (%(typed)s)."),
                    code="mrz_mismatch_birth_date",
                    params={"mrz": vdates.format(zone.birth_date), "typed": vdates.format(birth)},
                ),
            )
        surname = self.personal.get("surname")
        if surname and _mrz_name(zone.surname) != _mrz_name(surname):
            self.add_error(
                "mrz",
                ValidationError(
                    _("The surname in the zone (%(mrz)s) differs from the one you gave (%(typed)s)."),
                    code="mrz_mismatch_surname",
                    params={"mrz": zone.surname, "typed": surname},
                ),
            )
        nationality = _alpha3(self.country)
        if nationality and zone.nationality != nationality:
            self.add_error(
                "mrz",
                ValidationError(
                    _("The nationality in the zone (%(mrz)s) differs from your citizenship (%(typed)s)."),
                    code="mrz_mismatch_nationality",
                    params={"mrz": zone.nationality, "typed": nationality},
                ),
            )


def _mrz_name(name: str) -> str:
    """A name as the zone writes it: Latin capitals, separators as spaces (``O'NEIL-SMITH`` → ``ONEIL SMITH``)."""
    plain = vnames.to_latin(vnames.compact(name)).upper()
    plain = "".join(ch for ch in plain if ch != "'")
    return " ".join(plain.replace("-", " ").split())


def _alpha3(code: str) -> str:
    try:
        return countries.alpha3(code) or ""
    except (KeyError, TypeError):
        return ""


# --- 8–9. document of stay ---------------------------------------------------------------------

STAY_KINDS = [
    (DocumentKind.RESIDENCE_PERMIT, DocumentKind.RESIDENCE_PERMIT.label),
    (DocumentKind.TEMPORARY_RESIDENCE, DocumentKind.TEMPORARY_RESIDENCE.label),
    (DocumentKind.MIGRATION_CARD, DocumentKind.MIGRATION_CARD.label),
    (DocumentKind.WORK_PATENT, DocumentKind.WORK_PATENT.label),
    (DocumentKind.STAY_REGISTRATION, DocumentKind.STAY_REGISTRATION.label),
]


class StayTypeForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Which document of stay in Russia do you have?"),
        help_text=_("Choose one. If you have several, choose the first in this list."),
        choices=STAY_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your document of stay.")},
    )


#: Per kind of document of stay: labels of the dates and whether each field is asked.
STAY_LAYOUT: dict[str, dict[str, Any]] = {
    DocumentKind.RESIDENCE_PERMIT: {
        "series": True,
        "number_label": _("Number"),
        "issue_label": _("Date of issue"),
        "expiry_label": _("Valid until"),
        "expiry_required": False,
        "holder_name": True,
        "number_empty": _("Enter the number of the residence permit."),
        "issue_empty": _("Enter the date of issue."),
        "expiry_empty": _("Enter the date until which the document is valid."),
    },
    DocumentKind.TEMPORARY_RESIDENCE: {
        "series": False,
        "number_label": _("Decision number (from the stamp in your passport)"),
        "issue_label": _("Date of the decision"),
        "expiry_label": _("Valid until"),
        "expiry_required": True,
        "holder_name": False,
        "number_empty": _("Enter the number of the decision."),
        "issue_empty": _("Enter the date of the decision."),
        "expiry_empty": _("Enter the date until which the permit is valid."),
    },
    DocumentKind.MIGRATION_CARD: {
        "series": True,
        "number_label": _("Number"),
        "issue_label": _("Date of entry"),
        "expiry_label": _("Stay until"),
        "expiry_required": True,
        "holder_name": True,
        "number_empty": _("Enter the number of the migration card."),
        "issue_empty": _("Enter the date of entry."),
        "expiry_empty": _("Enter the date until which you may stay."),
    },
    DocumentKind.WORK_PATENT: {
        "series": True,
        "number_label": _("Number"),
        "issue_label": _("Date of issue"),
        "expiry_label": _("Valid until"),
        "expiry_required": True,
        "holder_name": True,
        "number_empty": _("Enter the number of the patent."),
        "issue_empty": _("Enter the date of issue."),
        "expiry_empty": _("Enter the date until which the patent is valid."),
    },
    DocumentKind.STAY_REGISTRATION: {
        "series": False,
        "number_label": _("Number of the notification (if there is one)"),
        "issue_label": _("Stay from"),
        "expiry_label": _("Stay until"),
        "expiry_required": True,
        "holder_name": True,
        "number_empty": _("Enter the number of the notification."),
        "issue_empty": _("Enter the date your stay starts."),
        "expiry_empty": _("Enter the date your stay ends."),
    },
}


class StayDocumentForm(StepForm):
    series = forms.CharField(label=_("Series"), max_length=20, widget=text(css="input-short", inputmode="numeric"))
    number = forms.CharField(label=_("Number"), max_length=60, widget=text(css="input-short"))
    issue_date = DateField(label=_("Date of issue"), help_text=_("DD.MM.YYYY"))
    expiry_date = DateField(label=_("Valid until"), help_text=_("DD.MM.YYYY"))
    issuing_authority = forms.CharField(
        label=_("Issued by"),
        max_length=300,
        widget=text(),
        error_messages={"required": _("Enter who issued the document.")},
    )
    holder_name = forms.CharField(
        label=_("Name as written in the document"),
        help_text=_("Surname and given names, in the letters the document uses (Latin or Russian)."),
        max_length=300,
        widget=text(),
        error_messages={"required": _("Enter the name as written in the document.")},
    )
    scan = WizardScanField(
        label=_("Scan or photo of the document"),
        help_text=_("PDF, JPEG or PNG, up to 5 MB, at least 300 dpi, sharp and not cropped."),
    )
    summary_fields = ("series", "number", "issue_date", "expiry_date", "issuing_authority", "holder_name", "scan")
    required_messages = {
        "series": _("Enter the series of the document."),
        "scan": _("Attach a scan or photo of the document."),
    }

    def __init__(
        self,
        *args: Any,
        kind: str = DocumentKind.RESIDENCE_PERMIT,
        personal: Mapping[str, Any] | None = None,
        cyrillic: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind if kind in STAY_LAYOUT else DocumentKind.RESIDENCE_PERMIT
        self.personal = dict(personal or {})
        self.cyrillic = dict(cyrillic or {})
        layout = STAY_LAYOUT[self.kind]
        rule = vdocuments.RULES[self.kind]
        if not layout["series"]:
            del self.fields["series"]
        else:
            self.fields["series"].help_text = _("For example, %(example)s.") % {"example": rule.series_example}
        number = self.fields["number"]
        number.label = layout["number_label"]
        number.required = rule.number_required
        if rule.number_example:
            number.help_text = _("For example, %(example)s.") % {"example": rule.number_example}
        self.fields["issue_date"].label = layout["issue_label"]
        self.fields["expiry_date"].label = layout["expiry_label"]
        self.fields["expiry_date"].required = layout["expiry_required"]
        if not layout["holder_name"]:
            del self.fields["holder_name"]
        for name in ("issue_date", "expiry_date"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input-short", "autocomplete": "off"}
            )

    def get_required_messages(self) -> dict[str, Any]:
        layout = STAY_LAYOUT[self.kind]
        return {
            **super().get_required_messages(),
            "number": layout["number_empty"],
            "issue_date": layout["issue_empty"],
            "expiry_date": layout["expiry_empty"],
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "number" in cleaned and ("series" in cleaned or "series" not in self.fields):
            try:
                series, number = validate_document(self.kind, cleaned.get("series", ""), cleaned.get("number", ""))
            except ValidationError as exc:
                code = exc.error_list[0].code or ""
                field = (
                    "series"
                    if code.startswith(("document_series", "patent_series")) and "series" in self.fields
                    else "number"
                )
                self.add_error(field, exc)
            else:
                if "series" in self.fields:
                    cleaned["series"] = series
                cleaned["number"] = number
                self.soft_warnings = [
                    str(to_django_error(w).messages[0]) for w in vdocuments.warnings(self.kind, series, number)
                ]
        start, end = cleaned.get("issue_date"), cleaned.get("expiry_date")
        today = timezone.localdate()
        if start and start > today:
            self.add_error(
                "issue_date", ValidationError(_("This date cannot be in the future."), code="issue_date_future")
            )
        elif start and end:
            if self.kind == DocumentKind.STAY_REGISTRATION:
                try:
                    vdocuments.validate_stay_dates(start, end, today=today)
                except validators.ValidationError as exc:
                    self.add_error("expiry_date", to_django_error(exc))
            elif end <= start:
                self.add_error(
                    "expiry_date",
                    ValidationError(_("This date must come after the first one."), code="expiry_before_issue"),
                )
        if end and end < today:
            self.add_error("expiry_date", ValidationError(_("The document has expired."), code="document_expired"))
        holder = cleaned.get("holder_name")
        if holder and not self._name_matches(holder):
            self.add_error(
                "holder_name",
                ValidationError(
                    _("The name differs from the one in your passport. Check it, or choose another document."),
                    code="stay_name_mismatch",
                ),
            )
        return cleaned

    def _name_matches(self, holder: str) -> bool:
        """The words of the name on the document are the Latin or Cyrillic names given earlier, in any order."""
        typed = _name_words(holder)
        latin = _name_words(" ".join(str(self.personal.get(k) or "") for k in ("surname", "given_names", "patronymic")))
        cyrillic = _name_words(
            " ".join(
                str(self.cyrillic.get(k) or "")
                for k in ("surname_cyrillic", "given_names_cyrillic", "patronymic_cyrillic")
            )
        )
        if not typed:
            return False
        if typed in (sorted(latin), sorted(cyrillic)) or set(typed) == set(latin) or set(typed) == set(cyrillic):
            return True
        # Without the patronymic (most documents of stay print surname and given names only).
        latin_short = _name_words(" ".join(str(self.personal.get(k) or "") for k in ("surname", "given_names")))
        cyrillic_short = _name_words(
            " ".join(str(self.cyrillic.get(k) or "") for k in ("surname_cyrillic", "given_names_cyrillic"))
        )
        if set(typed) in (set(latin_short), set(cyrillic_short)):
            return True
        # Cyrillic typed where the Latin names are known: does it spell them?
        if len(typed) == len(latin_short) or len(typed) == len(latin):
            for words in (latin, latin_short):
                if len(words) == len(typed) and all(any(vnames.matches(w, t) for w in words) for t in typed):
                    return True
        return False


def _name_words(text: str) -> list[str]:
    return sorted(vnames.compact(text).upper().replace("-", " ").split())


# --- 10. identifiers ---------------------------------------------------------------------------


class IdentifiersForm(StepForm):
    snils = SnilsField(
        label=_("SNILS (optional)"),
        help_text=_("11 digits, for example 112-233-445 95. Leave empty if you do not have one."),
        required=False,
    )
    inn = InnField(
        kind="person",
        label=_("INN (optional)"),
        help_text=_("A personal INN has 12 digits. Leave empty if you do not have one."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("snils", "inn"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input-short", "autocomplete": "off"}
            )


# --- 11. address ------------------------------------------------------------------------------


class AddressForm(StepForm):
    region = QuickRegionField(label=_("Region"), widget=QuickSelect())
    city = forms.CharField(
        label=_("City, town or settlement"),
        max_length=100,
        widget=text("address-level2"),
        error_messages={"required": _("Enter the city, town or settlement.")},
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        widget=text("address-line1"),
        error_messages={"required": _("Enter the street.")},
    )
    house = forms.CharField(
        label=_("House"),
        help_text=_("With the building or block, if there is one: 12, 12A, 12 bld. 3."),
        max_length=20,
        widget=text("address-line2", css="input-short"),
        error_messages={"required": _("Enter the house number.")},
    )
    flat = forms.CharField(
        label=_("Flat (optional)"), max_length=20, required=False, widget=text("address-line3", css="input-short")
    )
    postcode = PostcodeField(label=_("Postal code"), help_text=_("6 digits, for example 101000."))
    required_messages = {
        "region": _("Choose the region."),
        "postcode": _("Enter the postal code."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-short"}
        )


# --- 12. password -------------------------------------------------------------------------------


def password_token(password: str) -> str:
    """The password's hash, signed: what the draft keeps instead of the password itself."""
    return signing.dumps(make_password(password), salt=PASSWORD_TOKEN_SALT)


def password_hash_from_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=PASSWORD_TOKEN_SALT)
        identify_hasher(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value


def portal_captcha_field(**kwargs: Any) -> forms.Field:
    """django-simple-captcha's field, whose wrong answers carry the code ``captcha_invalid``."""
    from captcha.fields import CaptchaField

    class PortalCaptchaField(CaptchaField):
        def clean(self, value: Any) -> Any:
            try:
                return super().clean(value)
            except ValidationError as exc:
                if all(error.code for error in exc.error_list):
                    raise
                raise ValidationError(self.error_messages["invalid"], code="captcha_invalid") from None

    return PortalCaptchaField(**kwargs)


#: Rendered only when the page shows it, not each time the form is built (done() builds it too).
lazy_password_help = lazy(password_validation.password_validators_help_text_html, str)


class PasswordForm(StepForm):
    password1 = forms.CharField(
        label=_("Create a password"),
        strip=False,
        required=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        required=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the terms of use of the portal and to the processing of my personal data."),
        error_messages={"required": _("To register, agree to the terms of use.")},
    )
    #: Never rendered: the wizard view puts the signed hash here when it stores the step.
    password_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)
    summary_fields = ()
    required_messages = {"captcha": _("Type the characters from the picture.")}

    def summary(self) -> list[tuple[str, str]]:
        return [(str(_("Password")), str(_("Created (not shown)"))), (str(_("Consent to the terms")), str(_("Given")))]

    def __init__(
        self, *args: Any, contacts: Mapping[str, Any] | None = None, captcha: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = dict(contacts or {})
        self.fields["password1"].help_text = lazy_password_help()
        if captcha:
            self.fields["captcha"] = portal_captcha_field(
                label=_("Type the characters from the picture"),
                error_messages={"invalid": _("The characters do not match the picture. Try again.")},
            )

    @property
    def has_stored_password(self) -> bool:
        return bool(password_hash_from_token(self.data.get(self.add_prefix("password_token"), "") or ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
        stored = password_hash_from_token(cleaned.get("password_token") or "")
        if not first and not second and stored:
            cleaned["password_hash"] = stored
            return cleaned
        if not first:
            self.add_error("password1", ValidationError(_("Create a password."), code="password_required"))
            return cleaned
        user = SimpleNamespace(
            email=self.contacts.get("email", ""), phone=self.contacts.get("phone", ""), _meta=Account._meta
        )
        try:
            password_validation.validate_password(first, user=user)
        except ValidationError as exc:
            self.add_error("password1", exc)
            return cleaned
        if first != second:
            self.add_error("password2", ValidationError(_("The passwords do not match."), code="password_mismatch"))
        return cleaned


# --- 13. check your answers ---------------------------------------------------------------------


class CheckForm(StepForm):
    """Nothing to type: submitting the page sends the application."""

    summary_fields = ()


def captcha_enabled() -> bool:
    return bool(app_settings.CAPTCHA)
