"""Checking uploaded scans (with ``validators.scans``) and cross-checking the MRZ with the typed data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.accounts.models import Applicant, Document
from registration.core import metrics
from registration.identity.base import IdentityError
from validators import ValidationError, mrz, passport, scans
from validators.django import to_django_error

MIME_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def check_scan(upload: Any, physical_size: scans.PhysicalSize = scans.PhysicalSize.A4) -> scans.ScanInfo:
    """The scan's ``ScanInfo`` (already checked by a ``ScanField``, or checked now against ``physical_size``)."""
    info = getattr(upload, "scan_info", None)
    if isinstance(info, scans.ScanInfo):
        return info
    try:
        return scans.check(upload, getattr(upload, "name", None), physical_size=physical_size)
    except ValidationError as exc:
        metrics.scan_refused(exc.code)
        raise IdentityError(exc.code, to_django_error(exc).messages[0]) from None


def mime_type(kind: str) -> str:
    """``pdf`` → ``application/pdf``; a MIME type stays as it is; anything else is an octet stream."""
    if "/" in (kind or ""):
        return kind
    return MIME_TYPES.get((kind or "").lower(), "application/octet-stream")


@dataclass(frozen=True)
class FieldCheck:
    name: str
    label: Any
    typed: str
    from_zone: str
    matches: bool


@dataclass
class MRZCheck:
    """The MRZ of an identity document compared field by field with what the person typed."""

    present: bool
    valid: bool = False
    error: str = ""
    fields: list[FieldCheck] = field(default_factory=list)

    @property
    def all_match(self) -> bool:
        return self.valid and all(check.matches for check in self.fields)

    @property
    def mismatches(self) -> list[str]:
        return [check.name for check in self.fields if not check.matches]


def _letters(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalpha())


def _names_match(typed: str, from_zone: str) -> bool:
    typed, from_zone = _letters(typed), _letters(from_zone)
    # Long names are cut short in the zone: a typed name that begins with the zone's is accepted then.
    return typed == from_zone or (len(from_zone) >= 25 and typed.startswith(from_zone))


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def cross_check(applicant: Applicant, document: Document) -> MRZCheck:
    """Compare ``document.mrz`` with the applicant's and the document's typed data."""
    if not document.mrz.strip():
        return MRZCheck(present=False)
    try:
        zone = mrz.validate(document.mrz)
    except ValidationError as exc:
        return MRZCheck(present=True, valid=False, error=exc.code)
    typed_number = passport.compact(f"{document.series}{document.number}")
    zone_number = zone.document_number.replace("<", "")
    given_typed = " ".join(p for p in (applicant.given_names, applicant.patronymic) if p)
    citizenship = countries.alpha3(applicant.citizenship.code) if applicant.citizenship else ""
    checks = [
        FieldCheck(
            "number",
            _("document number"),
            typed_number,
            zone_number,
            zone_number in {typed_number, passport.compact(document.number)},
        ),
        FieldCheck(
            "surname", _("surname"), applicant.surname, zone.surname, _names_match(applicant.surname, zone.surname)
        ),
        FieldCheck(
            "given_names",
            _("given names"),
            given_typed,
            zone.given_names,
            _names_match(applicant.given_names, zone.given_names) or _names_match(given_typed, zone.given_names),
        ),
        FieldCheck(
            "birth_date",
            _("date of birth"),
            _date(applicant.birth_date),
            _date(zone.birth_date),
            applicant.birth_date == zone.birth_date,
        ),
        FieldCheck("sex", _("sex"), applicant.sex, zone.sex, applicant.sex == zone.sex),
        FieldCheck(
            "nationality", _("citizenship"), citizenship or "", zone.nationality, citizenship == zone.nationality
        ),
    ]
    if document.expiry_date:
        checks.append(
            FieldCheck(
                "expiry_date",
                _("valid until"),
                _date(document.expiry_date),
                _date(zone.expiry_date),
                document.expiry_date == zone.expiry_date,
            )
        )
    return MRZCheck(present=True, valid=True, fields=checks)
