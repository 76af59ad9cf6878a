"""Step 7: the identity document, cross-checked against its machine-readable zone when one is given."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.accounts.models import DocumentKind
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.widgets import WizardScanField, document_size, judge_scan_as, text
from validators import dates as vdates
from validators import mrz as vmrz
from validators import names as vnames
from validators.django import DateField, MRZField, PassportNumberField, ValidUntilField, validate_passport_number
from validators.scans import PhysicalSize

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
        # The scan is judged against the document chosen with it: a passport page (also when no type
        # is chosen yet), or an identity card.
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        judge_scan_as(self, document_size(kind, PhysicalSize.ID3))
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
        assert cleaned is not None  # Form.clean returns cleaned_data
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
