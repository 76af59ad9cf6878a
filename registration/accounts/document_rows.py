"""A stored document's details as rows to show, with the words each kind of document uses.

A residence permit (ВНЖ) is a card with a series and number (``82 № 1234567``); a temporary residence
permit (РВП) of a foreign citizen is a stamp in the passport with the authority's decision: its number
and date, and the date until which the permit is valid. The check page, the cabinet and the clerks'
application page all show them with these labels.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Document, DocumentKind
from validators import dates as vdates

#: Per kind: the labels of number, issue date, expiry and authority (the defaults are the general ones).
LABELS: dict[str, dict[str, Promise]] = {
    DocumentKind.RESIDENCE_PERMIT: {
        "number": _("Series and number of the card"),
        "issue_date": _("Date of issue"),
        "expiry_date": _("Valid until"),
        "issuing_authority": _("Issued by"),
    },
    DocumentKind.TEMPORARY_RESIDENCE: {
        "number": _("Number of the decision"),
        "issue_date": _("Date of the decision"),
        "expiry_date": _("Valid until"),
        "issuing_authority": _("Authority that took the decision"),
    },
    DocumentKind.MIGRATION_CARD: {"issue_date": _("Date of entry"), "expiry_date": _("Stay until")},
    DocumentKind.STAY_REGISTRATION: {
        "number": _("Number of the notification"),
        "issue_date": _("Stay from"),
        "expiry_date": _("Stay until"),
    },
}
DEFAULT_LABELS: dict[str, Promise] = {
    "number": _("Series and number"),
    "issue_date": _("Date of issue"),
    "expiry_date": _("Valid until"),
    "issuing_authority": _("Issued by"),
}


def label(kind: str, field: str) -> Promise:
    return LABELS.get(kind, {}).get(field, DEFAULT_LABELS[field])


def number_display(document: Document) -> str:
    """``82 № 1234567`` for a card with a series, ``№ 123/2024`` for a decision, else the number."""
    series, number = (document.series or "").strip(), (document.number or "").strip()
    if not number:
        return ""
    if series:
        return f"{series} № {number}"
    if document.kind == DocumentKind.TEMPORARY_RESIDENCE:
        return f"№ {number}"
    return number


def rows(document: Document) -> list[tuple[str, str]]:
    """``(label, value)`` for the number, dates and authority; the expiry of an open-ended ВНЖ says so."""
    kind = document.kind
    expiry = vdates.format(document.expiry_date) if document.expiry_date else ""
    if not expiry and kind == DocumentKind.RESIDENCE_PERMIT:
        expiry = str(_("no end date"))
    return [
        (str(label(kind, "number")), number_display(document) or "—"),
        (str(label(kind, "issue_date")), vdates.format(document.issue_date) if document.issue_date else "—"),
        (str(label(kind, "expiry_date")), expiry or "—"),
        (str(label(kind, "issuing_authority")), document.issuing_authority or "—"),
    ]
