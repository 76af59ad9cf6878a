"""Steps 8–9: the kind of document of stay in Russia, and its details (fields and labels per kind)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import validators
from registration.accounts.models import DocumentKind
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.widgets import WizardScanField, document_size, judge_scan_as, text
from validators import dates as vdates
from validators import documents as vdocuments
from validators import names as vnames
from validators.django import DateField, to_django_error, validate_document

# --- 8–9. document of stay ---------------------------------------------------------------------

STAY_KINDS: list[tuple[str, Any]] = [
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
        "series_label": _("Series of the card"),
        "number_label": _("Number of the card"),
        "issue_label": _("Date of issue"),
        "expiry_label": _("Valid until (if the card says)"),
        "expiry_help": _(
            "DD.MM.YYYY. Leave empty if the card has no end date: residence permits of foreign citizens "
            "issued since 1 November 2019 have none."
        ),
        "authority_label": _("Issued by"),
        "authority_help": _("As printed on the card, for example: ГУ МВД России по г. Москве."),
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
        "expiry_help": _("DD.MM.YYYY, as in the stamp. A temporary residence permit is given for 3 years."),
        "authority_label": _("Authority that took the decision"),
        "authority_help": _("As in the stamp, for example: ГУ МВД России по г. Москве."),
        "scan_label": _("Scan or photo of the passport page with the stamp"),
        "max_years": 3,
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
        judge_scan_as(self, document_size(self.kind))
        if not layout["series"]:
            del self.fields["series"]
        else:
            self.fields["series"].help_text = _("For example, %(example)s.") % {"example": rule.series_example}
            if "series_label" in layout:
                self.fields["series"].label = layout["series_label"]
        if "expiry_help" in layout:
            self.fields["expiry_date"].help_text = layout["expiry_help"]
        if "scan_label" in layout:
            self.fields["scan"].label = layout["scan_label"]
        if "authority_label" in layout:
            self.fields["issuing_authority"].label = layout["authority_label"]
            self.fields["issuing_authority"].help_text = layout["authority_help"]
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
        assert cleaned is not None  # Form.clean returns cleaned_data
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
            elif (years := STAY_LAYOUT[self.kind].get("max_years")) and end > vdates.add_months(start, 12 * years):
                self.add_error(
                    "expiry_date",
                    ValidationError(
                        _("A temporary residence permit is valid for at most %(years)s years from the decision."),
                        code="stay_validity_too_long",
                        params={"years": years},
                    ),
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
