"""Step 7: the identity document, cross-checked against its machine-readable zone when one is given."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import DocumentKind
from registration.core import countries
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.widgets import WizardScanField, document_size, judge_scan_as, text
from validators import dates as vdates
from validators import mrz as vmrz
from validators import names as vnames
from validators.django import DateField, MRZField, PassportNumberField, ValidUntilField, validate_passport_number
from validators.scans import PhysicalSize

IDENTITY_KINDS: list[tuple[str, Any]] = [
    (DocumentKind.FOREIGN_PASSPORT, DocumentKind.FOREIGN_PASSPORT.label),
    (DocumentKind.OTHER_IDENTITY, DocumentKind.OTHER_IDENTITY.label),
]
#: A stateless person's identity documents (115-FZ, article 10): no national passport.
STATELESS_IDENTITY_KINDS: list[tuple[str, Any]] = [
    (kind, kind.label)
    for kind in (
        DocumentKind.STATELESS_TRAVEL_DOCUMENT,
        DocumentKind.STATELESS_RESIDENCE_PERMIT,
        DocumentKind.STATELESS_TEMPORARY_RESIDENCE,
        DocumentKind.STATELESS_IDENTITY_CARD,
        DocumentKind.OTHER_IDENTITY,
    )
]
#: How the number of each stateless person's document looks: a pattern of the compact number and an example.
#: The travel document follows ICAO 9303 (at most 9 letters and digits, as for a country without a known
#: pattern); the Russian residence permit has a series of 2 digits and a number of 7 (as the foreign
#: citizen's); the Russian temporary residence permit and identity card have no published format, so
#: only the characters and a length limit are checked.
STATELESS_NUMBERS: dict[str, tuple[str, str]] = {
    DocumentKind.STATELESS_TRAVEL_DOCUMENT: (r"[A-Z0-9]{1,9}", "L898902C3"),
    DocumentKind.STATELESS_RESIDENCE_PERMIT: (r"\d{9}", "82 1234567"),
    DocumentKind.STATELESS_TEMPORARY_RESIDENCE: (r"[A-Z0-9]{1,12}", "1234567"),
    DocumentKind.STATELESS_IDENTITY_CARD: (r"[A-Z0-9]{1,12}", "1234567"),
}


#: ICAO 9303's nationality codes that state no nationality: a refugee's travel document (1951 Convention,
#: XXB; other refugees, XXC) or an unspecified one (XXX) can be held whatever the citizenship chosen.
NO_NATIONALITY_STATED = ("XXB", "XXC", "XXX")


def identity_kinds(citizenship: str) -> list[tuple[str, Any]]:
    """The identity documents a person of this citizenship may give."""
    return STATELESS_IDENTITY_KINDS if citizenship == countries.STATELESS else IDENTITY_KINDS


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
    needs_translation = forms.BooleanField(
        label=_("The data in my document is not written in Latin or Russian (Cyrillic) letters"),
        help_text=_(
            "For example, a document written only in Chinese or Arabic characters. Such a document needs a "
            "notarised translation into Russian: attach its scan below."
        ),
        required=False,
    )
    translation_scan = WizardScanField(
        label=_("Scan of the notarised translation into Russian"),
        help_text=_(
            "Only if you ticked the box above. Every page of the translation with the notary's certification: "
            "PDF, JPEG or PNG, up to 5 MB, at least 300 dpi."
        ),
        required=False,
    )
    mrz = MRZField(
        label=_("Machine-readable zone (optional)"),
        help_text=_("The two lines with <<< at the bottom of the photo page. We compare them with what you typed."),
        required=False,
    )
    summary_fields = (
        "kind",
        "number",
        "issue_date",
        "expiry_date",
        "issuing_authority",
        "scan",
        "needs_translation",
        "translation_scan",
    )
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
        kind_field: Any = self.fields["kind"]
        kind_field.choices = identity_kinds(self.country)
        # The scan is judged against the document chosen with it: a passport page (also when no type
        # is chosen yet), or an identity card.
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        judge_scan_as(self, document_size(kind, PhysicalSize.ID3))
        judge_scan_as(self, PhysicalSize.A4, "translation_scan")  # a translation is a paper document
        for name in ("issue_date", "expiry_date"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input-short", "autocomplete": "off"}
            )
        self.fields["mrz"].widget = forms.Textarea(
            attrs={"rows": 2, "cols": 46, "spellcheck": "false", "autocomplete": "off"}
        )

    def summary(self) -> list[tuple[str, str]]:
        rows = super().summary()
        if self.cleaned_data.get("translation_scan"):
            return rows
        # No translation: the check page says "No" to the question and shows no file row.
        return [row for row in rows if row[0] != str(self.fields["translation_scan"].label)]

    def clean_issue_date(self) -> date:
        value = self.cleaned_data["issue_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of issue cannot be in the future."), code="issue_date_future")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        number, kind = cleaned.get("number"), cleaned.get("kind")
        if number and kind == DocumentKind.FOREIGN_PASSPORT and self.country:
            try:
                cleaned["number"] = validate_passport_number(number, self.country, countries.name(self.country))
            except ValidationError as exc:
                self.add_error("number", exc)
        elif number and kind in STATELESS_NUMBERS:
            pattern, example = STATELESS_NUMBERS[kind]
            if not re.fullmatch(pattern, number, re.ASCII):
                self.add_error(
                    "number",
                    ValidationError(
                        _("This does not look like the number of this document (for example %(example)s). Check it."),
                        code="stateless_document_number",
                        params={"example": example},
                    ),
                )
        issued, expires = cleaned.get("issue_date"), cleaned.get("expiry_date")
        if issued and expires and expires <= issued:
            self.add_error(
                "expiry_date",
                ValidationError(_("The expiry date must come after the date of issue."), code="expiry_before_issue"),
            )
        zone = cleaned.get("mrz")
        if zone:
            self._cross_check(zone, cleaned)
        if cleaned.get("needs_translation"):
            if not cleaned.get("translation_scan") and "translation_scan" not in self.errors:
                self.add_error(
                    "translation_scan",
                    ValidationError(
                        _("Attach a scan of the notarised translation into Russian."), code="translation_required"
                    ),
                )
        else:
            # A translation the person no longer needs is not kept.
            cleaned["translation_scan"] = None
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
        nationality = countries.alpha3(self.country) if self.country else ""
        if nationality and zone.nationality not in (nationality, *NO_NATIONALITY_STATED):
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
