"""Validators for the identifiers, dates, phones, names and scans a foreigner types or uploads.

One module per kind of value, in the shape of python-stdnum: ``compact()`` → ``validate()`` (returns
the compact value or raises) → ``is_valid()`` → ``format()`` where a display form exists.

Every failure is a :class:`ValidationError` (a ``ValueError``) with a stable snake_case ``code``, an
English message and the ``params`` that explain it. Callers may catch broadly or narrowly:

>>> from validators import snils
>>> snils.validate('112-233-445 95')
'11223344595'
>>> try:
...     snils.validate('112-233-445 96')
... except InvalidChecksum as exc:
...     print(exc.code, '|', exc)
snils_checksum | Check the SNILS: its last two digits do not match the others, so a digit is mistyped.
>>> issubclass(InvalidLength, InvalidFormat) and issubclass(InvalidFormat, ValueError)
True

Nothing here imports Django: the Django side lives in :mod:`validators.django`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__version__ = "1.1.0"

__all__ = [
    "ERROR_CODES",
    "ExtensionMismatch",
    "FileDamaged",
    "FileEmpty",
    "FileEncrypted",
    "FileTooLarge",
    "FileTypeNotAllowed",
    "ImageTooBlurred",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidDate",
    "InvalidFormat",
    "InvalidLength",
    "ResolutionTooLow",
    "ScanError",
    "UnsafeContent",
    "ValidationError",
    "gettext_noop",
]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged; :mod:`validators.django` translates it."""
    return message


# The name xgettext (and so Django's makemessages) extracts by default: the catalogues in
# validators/locale hold every message below, written here and nowhere else.
_ = gettext_noop

#: Every error code the library raises, with its English message: the one place each message is
#: written. Messages use named placeholders filled from the error's ``params``; the Django adapter
#: looks them up in the catalogues when it shows them.
ERROR_CODES: dict[str, str] = {
    # generic codes (the class defaults)
    "invalid": _("This value is not valid."),
    "invalid_format": _("This value has the wrong format."),
    "invalid_length": _("This value has the wrong length."),
    "invalid_checksum": _("This value's check digits are wrong."),
    "invalid_date": _("This date is not valid."),
    "invalid_component": _("Part of this value is not valid."),
    # SNILS
    "snils_invalid_characters": _("A SNILS has only digits (spaces and dashes are allowed)."),
    "snils_length": _("A SNILS has 11 digits, not %(length)s."),
    "snils_checksum": _("Check the SNILS: its last two digits do not match the others, so a digit is mistyped."),
    # INN
    "inn_invalid_characters": _("An INN has only digits."),
    "inn_length": _("An INN has 12 digits (for a person) or 10 digits (for an organisation), not %(length)s."),
    "inn_checksum": _("Check the INN: its check digits do not match the others, so a digit is mistyped."),
    "inn_company_for_person": _("A 10-digit INN belongs to an organisation; a person's INN has 12 digits."),
    "inn_person_for_company": _("A 12-digit INN belongs to a person; an organisation's INN has 10 digits."),
    # OGRN / OGRNIP
    "ogrn_invalid_characters": _("An OGRN has only digits."),
    "ogrn_length": _("An OGRN has 13 digits (an OGRNIP of an entrepreneur 15), not %(length)s."),
    "ogrn_record_kind": _("An OGRN starts with 1 or 5 (an OGRNIP with 3), not %(digit)s."),
    "ogrn_checksum": _("Check the OGRN: its check digit does not match the others, so a digit is mistyped."),
    "ogrn_entrepreneur_for_company": _(
        "A 15-digit number is an entrepreneur's OGRNIP; an organisation's OGRN has 13 digits."
    ),
    "ogrn_company_for_entrepreneur": _(
        "A 13-digit number is an organisation's OGRN; an entrepreneur's OGRNIP has 15 digits."
    ),
    # passports
    "passport_empty": _("Enter the passport number."),
    "passport_invalid_characters": _("A passport number has only Latin letters and digits."),
    "passport_length": _("A passport number has at most 9 letters and digits, not %(length)s."),
    "passport_country": _("%(country)s is not a country code (two Latin letters, such as UZ)."),
    "passport_pattern": _(
        "This does not look like a passport number of the chosen country (%(country_name)s: for example "
        "%(example)s). Check the number."
    ),
    # documents of stay
    "document_kind": _("Unknown kind of document: %(kind)s."),
    "document_series_format": _("The series is wrong: it looks like %(example)s."),
    "document_number_format": _("The number is wrong: it looks like %(example)s."),
    "document_number_required": _("Enter the document number."),
    "document_text_too_long": _("This is too long: at most %(max_length)s characters."),
    "document_text_invalid_characters": _("Use letters, digits, spaces and the signs № / - . only."),
    "patent_series_region": _("The patent series is the region code, and %(series)s is not one."),
    "patent_number_length": _("A patent number usually has %(expected)s digits, this one has %(length)s: check it."),
    "stay_dates_order": _("The end of the stay must come after its start."),
    "stay_start_future": _("The stay cannot start in the future."),
    # dates
    "date_format": _("Enter the date as DD.MM.YYYY, for example 25.03.1990."),
    "date_not_exist": _("There is no such date: %(value)s."),
    "birth_date_future": _("The date of birth cannot be in the future."),
    "age_too_young": _("You must be at least %(min_age)s years old."),
    "age_too_old": _("The date of birth gives an age over %(max_age)s years: check the year."),
    "document_expired": _("The document expired on %(expiry)s."),
    "document_expires_soon": _(
        "The document must be valid for at least %(months)s months, that is until "
        "%(min_date)s or later; it expires on %(expiry)s."
    ),
    # phones
    "phone_invalid_characters": _("A phone number has only digits and a leading +."),
    "phone_too_short": _("This phone number is too short: enter it with the country code, for example +998901234567."),
    "phone_too_long": _("This phone number is too long."),
    "phone_unknown_country": _(
        "No country uses the code at the start of this number: "
        "enter it as + and the country code, for example +7 or +998."
    ),
    "phone_invalid": _(
        "This phone number does not exist: check it, and type it with + and the country code, "
        "for example +998 90 123 45 67."
    ),
    "phone_needs_country_code": _(
        "Add the country code at the start of the number: +%(calling_code)s (%(country_name)s)."
    ),
    "phone_not_mobile": _("This is not a mobile number; enter a mobile number that can receive SMS."),
    # names
    "name_empty": _("Enter the name."),
    "name_too_long": _("A name has at most %(max_length)s characters."),
    "name_invalid_characters": _("Use only Latin letters, as in your passport (not %(characters)s)."),
    "name_cyrillic_invalid_characters": _("Use only Cyrillic letters (not %(characters)s)."),
    "name_format": _(
        "A name starts and ends with a letter; spaces, hyphens and apostrophes only between letters, one at a time."
    ),
    # MRZ
    "mrz_empty": _("Enter the machine-readable zone: the lines of <<< at the bottom of the photo page."),
    "mrz_invalid_characters": _("The machine-readable zone has only the letters A-Z, digits and <."),
    "mrz_format": _(
        "The machine-readable zone has two lines of 44 characters (passport, visa), two lines of 36 "
        "(identity card, visa) or three lines of 30 (identity card)."
    ),
    "mrz_document_type": _("This is not a passport, identity card or visa zone (it starts with %(document_type)s)."),
    "mrz_check_digit_number": _("The document number's check digit is wrong: re-type the zone."),
    "mrz_check_digit_birth_date": _("The date of birth's check digit is wrong: re-type the zone."),
    "mrz_check_digit_expiry_date": _("The expiry date's check digit is wrong: re-type the zone."),
    "mrz_check_digit_optional": _("The personal number's check digit is wrong: re-type the zone."),
    "mrz_check_digit_composite": _("The final check digit is wrong: re-type the zone."),
    "mrz_birth_date": _("The date of birth in the zone is not a date: %(value)s."),
    "mrz_expiry_date": _("The expiry date in the zone is not a date: %(value)s."),
    "mrz_sex": _("The sex in the zone must be M, F, X or <, not %(value)s."),
    "mrz_name": _("The zone has no surname."),
    "mrz_not_found": _(
        "No machine-readable zone was found: upload the page with the lines of <<< at the bottom, "
        "whole, sharp and in good light."
    ),
    "mrz_unreadable": _(
        "The machine-readable zone could not be read with certainty: type it, or upload a sharper scan."
    ),
    # regions and postcodes
    "region_format": _("A region code has two digits, for example 77."),
    "region_unknown": _("%(code)s is not the code of a region of Russia."),
    "postcode_format": _("A postcode has 6 digits, for example 101000."),
    "postcode_region_mismatch": _(
        "The postcode %(postcode)s is in %(belongs_to_name)s, not in %(region_name)s. Check the postcode or the region."
    ),
    # free text
    "text_invisible_characters": _(
        "Remove the invisible or control characters (%(characters)s): type the text instead of pasting it."
    ),
    # scans
    "scan_invalid": _("This file cannot be accepted."),
    "scan_empty": _("The file is empty: upload it again."),
    "scan_too_large": _("The file is larger than %(max_size)s MB: scan at a lower quality or compress it."),
    "scan_type_not_allowed": _("This type of file is not accepted: upload a PDF, JPEG or PNG file."),
    "scan_extension_mismatch": _(
        "The file is named .%(extension)s but is a %(kind)s file: save it again with the right type."
    ),
    "scan_damaged": _("The file is damaged or incomplete: save or scan it again."),
    "scan_too_many_pixels": _("The image has more than %(max_pixels)s pixels: scan at 600 dpi or less."),
    "scan_resolution_too_low": _("The resolution is %(dpi)s dpi; scan at %(min_dpi)s dpi or more."),
    "scan_too_few_pixels": _(
        "The image is %(width)s × %(height)s pixels: too few for this document, which needs at least "
        "%(need_width)s × %(need_height)s. Take the photo closer, so that the page fills the frame, "
        "or scan it at %(min_dpi)s dpi or more."
    ),
    "scan_unsafe_content": _("The file contains something that is not allowed: scan the paper document again."),
    "scan_javascript": _(
        "The PDF contains a program (JavaScript), which is not allowed: print it to a new "
        "PDF or scan the paper document."
    ),
    "scan_launch_action": _(
        "The PDF tries to start another program, which is not allowed: print it to a new "
        "PDF or scan the paper document."
    ),
    "scan_embedded_file": _("The PDF contains attached files, which is not allowed: upload the scan alone."),
    "scan_xfa_form": _(
        "The PDF is a fillable form with scripts, which is not allowed: print it to a new PDF "
        "or scan the paper document."
    ),
    "scan_too_complex": _(
        "The PDF has more than %(max_objects)s parts: this is not a plain scan. Scan the paper document again."
    ),
    "scan_too_many_pages": _("The PDF has more than %(max_pages)s pages: upload only the pages asked for."),
    "scan_encrypted": _("The PDF is protected by a password: upload it without protection."),
    "scan_blurred": _("The image is blurred: take a sharper photo or scan in good light."),
    "scan_no_content": _(
        "We cannot see a document in the image: photograph or scan the page itself, in good light, "
        "so that its text can be read."
    ),
    "scan_sideways": _("The page lies on its side: turn the photo so that the text runs across, and upload it again."),
    "scan_pdf_without_image": _(
        "Page %(page)s of the PDF has no scanned image: upload a scan or a photo of the paper document."
    ),
}


class Params(dict[str, Any]):
    """Message parameters; a placeholder the raiser did not fill shows as ``…``, never fails."""

    def __missing__(self, key: str) -> str:
        return "…"


class ValidationError(ValueError):
    """The value is not valid; ``code`` says why, ``params`` fill the message."""

    code: str = "invalid"
    message: str = ERROR_CODES["invalid"]

    def __init__(
        self, message: str | None = None, code: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        if code is not None:
            self.code = code
        if message is None:
            message = ERROR_CODES.get(self.code, type(self).message)
        self.message = message
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(message % Params(self.params))

    def __str__(self) -> str:
        return str(self.args[0])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, params={self.params!r})"


class InvalidFormat(ValidationError):
    """The value has characters or a structure that cannot be right."""

    code = "invalid_format"
    message = ERROR_CODES[code]


class InvalidLength(InvalidFormat):
    """The value is too short or too long."""

    code = "invalid_length"
    message = ERROR_CODES[code]


class InvalidChecksum(ValidationError):
    """The value's check digits do not agree with the rest."""

    code = "invalid_checksum"
    message = ERROR_CODES[code]


class InvalidDate(ValidationError):
    """The date is malformed, does not exist or is out of the accepted range."""

    code = "invalid_date"
    message = ERROR_CODES[code]


class InvalidComponent(ValidationError):
    """A part of the value (country, region, type) is not one that exists or is accepted."""

    code = "invalid_component"
    message = ERROR_CODES[code]


class ScanError(ValidationError):
    """An uploaded scan is refused."""

    code = "scan_invalid"
    message = ERROR_CODES[code]


class FileEmpty(ScanError):
    """The file has no bytes."""

    code = "scan_empty"
    message = ERROR_CODES[code]


class FileTooLarge(ScanError):
    """The file is larger than allowed."""

    code = "scan_too_large"
    message = ERROR_CODES[code]


class FileTypeNotAllowed(ScanError):
    """The content is not one of the allowed types."""

    code = "scan_type_not_allowed"
    message = ERROR_CODES[code]


class ExtensionMismatch(ScanError):
    """The file name's extension disagrees with the content."""

    code = "scan_extension_mismatch"
    message = ERROR_CODES[code]


class FileDamaged(ScanError):
    """The file is truncated or corrupt."""

    code = "scan_damaged"
    message = ERROR_CODES[code]


class ResolutionTooLow(ScanError):
    """The scan's resolution is below the minimum."""

    code = "scan_resolution_too_low"
    message = ERROR_CODES[code]


class UnsafeContent(ScanError):
    """The file carries active or hidden content, or would exhaust memory (a pixel bomb)."""

    code = "scan_unsafe_content"
    message = ERROR_CODES[code]


class FileEncrypted(ScanError):
    """The PDF is encrypted."""

    code = "scan_encrypted"
    message = ERROR_CODES[code]


class ImageTooBlurred(ScanError):
    """The image is too blurred to read."""

    code = "scan_blurred"
    message = ERROR_CODES[code]
