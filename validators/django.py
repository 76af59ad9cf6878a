"""Django validators and form fields on top of the library, with messages in Russian and English.

Add ``"validators"`` to ``INSTALLED_APPS`` so that Django finds the translations in
``validators/locale``. Every library error becomes a Django ``ValidationError`` with the same
``code`` and ``params`` and a translated message chosen by the code (:data:`MESSAGES`); forms and
tests should look at the code, not at the text.

>>> from django.utils import translation
>>> field = SnilsField()
>>> field.clean('112-233-445 95')
'11223344595'
>>> with translation.override('en'):
...     try:
...         field.clean('112-233-445 96')
...     except forms.ValidationError as exc:
...         print(exc.error_list[0].code, '|', exc.messages[0])
snils_checksum | The SNILS check number is wrong: expected 95, got 96.
>>> DateField().clean('25.03.1990')
datetime.date(1990, 3, 25)
>>> PassportNumberField(country='UZ').clean('fa 1234567')
'FA1234567'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from validators import Params, ValidationError
from validators import dates as _dates
from validators import documents as _documents
from validators import inn as _inn
from validators import mrz as _mrz
from validators import names as _names
from validators import passport as _passport
from validators import phone as _phone
from validators import postcode as _postcode
from validators import regions as _regions
from validators import scans as _scans
from validators import snils as _snils

__all__ = [
    "MESSAGES",
    "BirthDateField",
    "BirthDateValidator",
    "CyrillicNameField",
    "CyrillicNameValidator",
    "DateField",
    "DateValidator",
    "InnField",
    "InnValidator",
    "LatinNameField",
    "LatinNameValidator",
    "MRZField",
    "MRZValidator",
    "PassportNumberField",
    "PassportNumberValidator",
    "PhoneField",
    "PhoneValidator",
    "PostcodeField",
    "PostcodeValidator",
    "RegionField",
    "RegionValidator",
    "ScanField",
    "ScanValidator",
    "SnilsField",
    "SnilsValidator",
    "ValidUntilField",
    "ValidUntilValidator",
    "to_django_error",
    "validate_document",
    "validate_passport_number",
]

#: The translated message for every error code of the library.
MESSAGES: dict[str, Any] = {
    "invalid": _("This value is not valid."),
    "invalid_format": _("This value has the wrong format."),
    "invalid_length": _("This value has the wrong length."),
    "invalid_checksum": _("This value's check digits are wrong."),
    "invalid_date": _("This date is not valid."),
    "invalid_component": _("Part of this value is not valid."),
    "snils_invalid_characters": _("A SNILS has only digits (spaces and dashes are allowed)."),
    "snils_length": _("A SNILS has 11 digits, not %(length)s."),
    "snils_checksum": _("The SNILS check number is wrong: expected %(expected)s, got %(actual)s."),
    "inn_invalid_characters": _("An INN has only digits."),
    "inn_length": _("An INN has 12 digits (for a person) or 10 digits (for an organisation), not %(length)s."),
    "inn_checksum": _("The INN check digits are wrong."),
    "inn_company_for_person": _("A 10-digit INN belongs to an organisation; a person's INN has 12 digits."),
    "inn_person_for_company": _("A 12-digit INN belongs to a person; an organisation's INN has 10 digits."),
    "passport_empty": _("Enter the passport number."),
    "passport_invalid_characters": _("A passport number has only Latin letters and digits."),
    "passport_length": _("A passport number has at most 9 letters and digits, not %(length)s."),
    "passport_country": _("%(country)s is not a country code (two Latin letters, such as UZ)."),
    "passport_pattern": _("A passport number of %(country)s looks like %(example)s: check the number."),
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
    "date_format": _("Enter the date as DD.MM.YYYY, for example 25.03.1990."),
    "date_not_exist": _("There is no such date: %(value)s."),
    "birth_date_future": _("The date of birth cannot be in the future."),
    "age_too_young": _("You must be at least %(min_age)s years old."),
    "age_too_old": _("The date of birth gives an age over %(max_age)s years: check the year."),
    "document_expired": _("The document expired on %(expiry)s."),
    "document_expires_soon": _(
        "The document must be valid for at least %(months)s months, that is until %(min_date)s or "
        "later; it expires on %(expiry)s."
    ),
    "phone_invalid_characters": _("A phone number has only digits and a leading +."),
    "phone_too_short": _("This phone number is too short: enter it with the country code, for example +998901234567."),
    "phone_too_long": _("This phone number is too long."),
    "phone_unknown_country": _(
        "No country uses the code at the start of this number: enter it as + and the country code, "
        "for example +7 or +998."
    ),
    "phone_invalid": _("This phone number does not exist in its country's numbering plan."),
    "phone_not_mobile": _("This is not a mobile number; enter a mobile number that can receive SMS."),
    "name_empty": _("Enter the name."),
    "name_too_long": _("A name has at most %(max_length)s characters."),
    "name_invalid_characters": _("Use only Latin letters, as in your passport (not %(characters)s)."),
    "name_cyrillic_invalid_characters": _("Use only Cyrillic letters (not %(characters)s)."),
    "name_format": _(
        "A name starts and ends with a letter; spaces, hyphens and apostrophes only between letters, one at a time."
    ),
    "mrz_empty": _("Enter the machine-readable zone: the lines of <<< at the bottom of the photo page."),
    "mrz_invalid_characters": _("The machine-readable zone has only the letters A-Z, digits and <."),
    "mrz_format": _(
        "The machine-readable zone has two lines of 44 characters (passport) or three lines of 30 (identity card)."
    ),
    "mrz_document_type": _("This is not a passport or identity card zone (it starts with %(document_type)s)."),
    "mrz_check_digit_number": _("The document number's check digit is wrong: re-type the zone."),
    "mrz_check_digit_birth_date": _("The date of birth's check digit is wrong: re-type the zone."),
    "mrz_check_digit_expiry_date": _("The expiry date's check digit is wrong: re-type the zone."),
    "mrz_check_digit_optional": _("The personal number's check digit is wrong: re-type the zone."),
    "mrz_check_digit_composite": _("The final check digit is wrong: re-type the zone."),
    "mrz_birth_date": _("The date of birth in the zone is not a date: %(value)s."),
    "mrz_expiry_date": _("The expiry date in the zone is not a date: %(value)s."),
    "mrz_sex": _("The sex in the zone must be M, F, X or <, not %(value)s."),
    "mrz_name": _("The zone has no surname."),
    "region_format": _("A region code has two digits, for example 77."),
    "region_unknown": _("%(code)s is not the code of a region of Russia."),
    "postcode_format": _("A postcode has 6 digits, for example 101000."),
    "scan_invalid": _("This file cannot be accepted."),
    "scan_empty": _("The file is empty: upload it again."),
    "scan_too_large": _("The file is larger than %(max_size)s MB: scan at a lower quality or compress it."),
    "scan_type_not_allowed": _("This is a %(kind)s file; upload a PDF, JPEG or PNG file."),
    "scan_extension_mismatch": _(
        "The file is named .%(extension)s but is a %(kind)s file: save it again with the right type."
    ),
    "scan_damaged": _("The file is damaged or incomplete: save or scan it again."),
    "scan_too_many_pixels": _("The image has more than %(max_pixels)s pixels: scan at 600 dpi or less."),
    "scan_resolution_too_low": _("The resolution is %(dpi)s dpi; scan at %(min_dpi)s dpi or more."),
    "scan_too_few_pixels": _(
        "The image is %(width)s × %(height)s pixels: too small to read. Scan at %(min_dpi)s dpi or more."
    ),
    "scan_unsafe_content": _("The file contains something that is not allowed: scan the paper document again."),
    "scan_javascript": _(
        "The PDF contains a program (JavaScript), which is not allowed: print it to a new PDF or "
        "scan the paper document."
    ),
    "scan_launch_action": _(
        "The PDF tries to start another program, which is not allowed: print it to a new PDF or "
        "scan the paper document."
    ),
    "scan_embedded_file": _("The PDF contains attached files, which is not allowed: upload the scan alone."),
    "scan_xfa_form": _(
        "The PDF is a fillable form with scripts, which is not allowed: print it to a new PDF or "
        "scan the paper document."
    ),
    "scan_too_complex": _(
        "The PDF has more than %(max_objects)s parts: this is not a plain scan. Scan the paper document again."
    ),
    "scan_too_many_pages": _("The PDF has more than %(max_pages)s pages: upload only the pages asked for."),
    "scan_encrypted": _("The PDF is protected by a password: upload it without protection."),
    "scan_blurred": _("The image is blurred: take a sharper photo or scan in good light."),
    "scan_pdf_without_image": _(
        "Page %(page)s of the PDF has no scanned image: upload a scan or a photo of the paper document."
    ),
}


def to_django_error(exc: ValidationError) -> DjangoValidationError:
    """Turn a library error into Django's, with the translated message for its code."""
    message = MESSAGES.get(exc.code)
    if message is None:
        # A code without a translation: the library's English, already formatted.
        message = str(exc).replace("%", "%%") if exc.params else str(exc)
    return DjangoValidationError(message, code=exc.code, params=Params(exc.params))


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except ValidationError as exc:
        raise to_django_error(exc) from None


def validate_passport_number(number: str, country: str) -> str:
    """Check a passport number for ``country`` (for a form's ``clean()``); raise Django's error."""
    return _call(_passport.validate, number, country)


def validate_document(kind: str, series: str, number: str) -> tuple[str, str]:
    """Check a document of stay's series and number (for a form's ``clean()``); raise Django's error."""
    return _call(_documents.validate, kind, series, number)


# Validators -------------------------------------------------------------------------------------


class _Validator:
    """Calls a library function; returns the clean value, raises Django's ``ValidationError``."""

    code = "invalid"
    help_text: Any = ""

    def __call__(self, value: Any) -> Any:
        return _call(self.clean, value)

    def clean(self, value: Any) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_help_text(self) -> str:
        return str(self.help_text)

    def _options(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if not key.startswith("_")}

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._options() == other._options()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class SnilsValidator(_Validator):
    """A SNILS: 11 digits with valid check digits."""

    code = "snils_checksum"
    help_text = _("11 digits, for example 112-233-445 95.")

    def clean(self, value: str) -> str:
        return _snils.validate(value)


@deconstructible
class InnValidator(_Validator):
    """An INN; ``kind='person'`` asks for a person's (12 digits), ``'company'`` for a company's."""

    code = "inn_checksum"

    def __init__(self, kind: str | None = None) -> None:
        if kind not in (None, *_inn.KINDS):
            raise TypeError(f"kind must be 'person', 'company' or None, not {kind!r}")
        self.kind = kind

    def clean(self, value: str) -> str:
        return _inn.validate(value, self.kind)  # type: ignore[arg-type]

    def get_help_text(self) -> str:
        if self.kind == "company":
            return str(_("10 digits."))
        return str(_("12 digits."))


@deconstructible
class PassportNumberValidator(_Validator):
    """A passport number for ``country``; without a country, only its characters are checked."""

    code = "passport_pattern"

    def __init__(self, country: str | None = None) -> None:
        self.country = country

    def clean(self, value: str) -> str:
        if self.country:
            return _passport.validate(value, self.country)
        number = _passport.compact(value)
        # The country comes later (the form's clean()): the characters can be checked already.
        _passport.validate(number[:9], "ZZ")
        return number

    def get_help_text(self) -> str:
        if not self.country:
            return ""
        rows = _passport.patterns_for(self.country)
        return str(_("For example %(example)s.") % {"example": rows[0].example})


@deconstructible
class DateValidator(_Validator):
    """A date typed as DD.MM.YYYY."""

    code = "date_format"
    help_text = _("For example, 25.03.1990.")

    def clean(self, value: date | str) -> date:
        return value if isinstance(value, date) else _dates.parse(value)


@deconstructible
class BirthDateValidator(DateValidator):
    """A date of birth giving an age from ``min_age`` to ``max_age`` years (today in Django's zone)."""

    code = "age_too_young"

    def __init__(self, min_age: int = _dates.MIN_AGE, max_age: int = _dates.MAX_AGE) -> None:
        self.min_age, self.max_age = min_age, max_age

    def clean(self, value: date | str) -> date:
        return _dates.validate_birth_date(super().clean(value), timezone.localdate(), self.min_age, self.max_age)


@deconstructible
class ValidUntilValidator(DateValidator):
    """An expiry date at least ``months`` months ahead (today in Django's zone)."""

    code = "document_expires_soon"

    def __init__(self, months: int = _dates.VALID_MONTHS) -> None:
        self.months = months

    def clean(self, value: date | str) -> date:
        return _dates.validate_valid_until(super().clean(value), timezone.localdate(), self.months)

    def get_help_text(self) -> str:
        return str(_("The document must be valid for at least %(months)s more months.") % {"months": self.months})


@deconstructible
class PhoneValidator(_Validator):
    """A mobile phone number; the clean value is in E.164 form."""

    code = "phone_not_mobile"
    help_text = _("A mobile number with the country code, for example +998 90 123 45 67.")

    def clean(self, value: str) -> str:
        return _phone.validate(value)


@deconstructible
class LatinNameValidator(_Validator):
    """A name in Latin letters, as in the passport."""

    code = "name_invalid_characters"
    help_text = _("In Latin letters, exactly as in your passport.")

    def clean(self, value: str) -> str:
        return _names.validate_latin(value)


@deconstructible
class CyrillicNameValidator(_Validator):
    """A name in Cyrillic letters."""

    code = "name_cyrillic_invalid_characters"
    help_text = _("In Cyrillic letters.")

    def clean(self, value: str) -> str:
        return _names.validate_cyrillic(value)


@deconstructible
class MRZValidator(_Validator):
    """A machine-readable zone (TD3 or TD1); the clean value is a :class:`validators.mrz.MRZ`."""

    code = "mrz_format"
    help_text = _("Type the lines at the bottom of the photo page, with every < sign.")

    def clean(self, value: str) -> _mrz.MRZ:
        return _mrz.validate(value, timezone.localdate())


@deconstructible
class RegionValidator(_Validator):
    """A code of one of the 89 federal subjects."""

    code = "region_unknown"

    def clean(self, value: str) -> str:
        return _regions.validate(value)


@deconstructible
class PostcodeValidator(_Validator):
    """A Russian postal code."""

    code = "postcode_format"
    help_text = _("6 digits, for example 101000.")

    def clean(self, value: str) -> str:
        return _postcode.validate(value)


@deconstructible
class ScanValidator(_Validator):
    """A scan (see :func:`validators.scans.check`); the clean value is the ``ScanInfo``."""

    code = "scan_invalid"

    def __init__(
        self,
        max_bytes: int = _scans.MAX_BYTES,
        min_dpi: int = _scans.MIN_DPI,
        allowed: Sequence[str] = ("pdf", "jpeg", "png"),
        min_sharpness: float = _scans.MIN_SHARPNESS,
    ) -> None:
        self.max_bytes, self.min_dpi = max_bytes, min_dpi
        self.allowed, self.min_sharpness = tuple(allowed), min_sharpness

    def clean(self, value: Any) -> _scans.ScanInfo:
        return _scans.check(
            value,
            getattr(value, "name", None),
            max_bytes=self.max_bytes,
            min_dpi=self.min_dpi,
            allowed=self.allowed,
            min_sharpness=self.min_sharpness,
        )

    def get_help_text(self) -> str:
        return str(
            _("PDF, JPEG or PNG, at most %(max_size)s MB, scanned at %(min_dpi)s dpi or more.")
            % {"max_size": f"{self.max_bytes / 1024 / 1024:g}", "min_dpi": self.min_dpi}
        )


# Form fields ------------------------------------------------------------------------------------


def _help_text(validator: _Validator) -> Any:
    """The validator's help text, translated when shown (fields are made at import time)."""
    return lazy(validator.get_help_text, str)()


class _LibraryField(forms.CharField):
    """A text field whose clean value is the library's (compact) value."""

    validator: _Validator

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self.validator(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "autocomplete" not in widget.attrs:
            attrs["autocomplete"] = "off"
        return attrs


class SnilsField(_LibraryField):
    """SNILS; cleans to 11 digits."""

    default_error_messages = {"required": _("Enter the SNILS.")}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = SnilsValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class InnField(_LibraryField):
    """INN; ``kind='person'`` (12 digits) or ``'company'`` (10 digits), or either."""

    default_error_messages = {"required": _("Enter the INN.")}

    def __init__(self, *, kind: str | None = None, **kwargs: Any) -> None:
        self.validator = InnValidator(kind)
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class PassportNumberField(_LibraryField):
    """A passport number for ``country``, which the form may also set later.

    Before the country is known only the characters are checked; set ``field.country`` in the
    form's ``__init__``, or call :func:`validate_passport_number` in its ``clean()``.
    """

    default_error_messages = {"required": MESSAGES["passport_empty"]}

    def __init__(self, *, country: str | None = None, **kwargs: Any) -> None:
        self.validator = PassportNumberValidator(country)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    @property
    def country(self) -> str | None:
        return self.validator.country  # type: ignore[attr-defined, no-any-return]

    @country.setter
    def country(self, value: str | None) -> None:
        self.validator = PassportNumberValidator(value)


class DateInput(forms.TextInput):
    """A text box for DD.MM.YYYY with the pattern as placeholder."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("DD.MM.YYYY"), "autocomplete": "off", "size": 10, "maxlength": 10}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return _dates.format(value)
        return super().format_value(value)


class DateField(forms.Field):
    """A date typed as DD.MM.YYYY (and nothing else); cleans to ``datetime.date``."""

    default_error_messages = {"required": _("Enter the date.")}

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        self.validator = self._make_validator(**kwargs.pop("validator_options", {}))
        kwargs.setdefault("help_text", _help_text(self.validator))
        super().__init__(**kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return DateValidator()

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return self.validator(value)  # type: ignore[no-any-return]
        return self.validator(str(value))  # type: ignore[no-any-return]


class BirthDateField(DateField):
    """A date of birth: DD.MM.YYYY, in the past, age from 14 to 120."""

    default_error_messages = {"required": _("Enter the date of birth.")}

    def __init__(self, *, min_age: int = _dates.MIN_AGE, max_age: int = _dates.MAX_AGE, **kwargs: Any) -> None:
        super().__init__(validator_options={"min_age": min_age, "max_age": max_age}, **kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return BirthDateValidator(**options)


class ValidUntilField(DateField):
    """An identity document's expiry date: DD.MM.YYYY, at least ``months`` months ahead."""

    default_error_messages = {"required": _("Enter the date until which the document is valid.")}

    def __init__(self, *, months: int = _dates.VALID_MONTHS, **kwargs: Any) -> None:
        super().__init__(validator_options={"months": months}, **kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return ValidUntilValidator(**options)


class PhoneField(_LibraryField):
    """A mobile phone number; cleans to E.164 (``+79161234567``)."""

    default_error_messages = {"required": _("Enter the mobile phone number.")}

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def __init__(self, **kwargs: Any) -> None:
        self.validator = PhoneValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class LatinNameField(_LibraryField):
    """A name in Latin letters, as in the passport."""

    default_error_messages = {"required": MESSAGES["name_empty"]}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = LatinNameValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", _names.MAX_LENGTH)
        super().__init__(**kwargs)


class CyrillicNameField(_LibraryField):
    """A name in Cyrillic letters (the person's correction of the proposed transliteration)."""

    default_error_messages = {"required": MESSAGES["name_empty"]}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = CyrillicNameValidator()
        kwargs.setdefault("max_length", _names.MAX_LENGTH)
        super().__init__(**kwargs)


class MRZField(_LibraryField):
    """The machine-readable zone, typed or pasted; cleans to a :class:`validators.mrz.MRZ`."""

    default_error_messages = {"required": MESSAGES["mrz_empty"]}

    widget = forms.Textarea(attrs={"rows": 3, "cols": 46, "spellcheck": "false", "autocapitalize": "characters"})

    def __init__(self, **kwargs: Any) -> None:
        self.validator = MRZValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class PostcodeField(_LibraryField):
    """A Russian postal code; cleans to 6 digits."""

    default_error_messages = {"required": _("Enter the postal code.")}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = PostcodeValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)


def _region_choices() -> list[tuple[str, str]]:
    language = "ru" if (get_language() or "ru").startswith("ru") else "en"
    return [("", str(_("Choose a region"))), *_regions.choices(language)]


class RegionField(forms.ChoiceField):
    """One of the 89 federal subjects, named in the active language; cleans to the 2-digit code."""

    default_error_messages = {"required": _("Choose the region.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", _region_choices)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return RegionValidator()(value) if value else value  # type: ignore[no-any-return]


class ScanField(forms.FileField):
    """An uploaded scan checked with :func:`validators.scans.check`.

    The clean value is the uploaded file, with the check's ``ScanInfo`` as ``file.scan_info``.
    """

    default_error_messages = {"required": _("Attach a scan or photo of the document.")}

    widget = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def __init__(
        self,
        *,
        max_bytes: int = _scans.MAX_BYTES,
        min_dpi: int = _scans.MIN_DPI,
        allowed: Sequence[str] = ("pdf", "jpeg", "png"),
        min_sharpness: float = _scans.MIN_SHARPNESS,
        **kwargs: Any,
    ) -> None:
        self.validator = ScanValidator(max_bytes, min_dpi, allowed, min_sharpness)
        kwargs.setdefault("help_text", _help_text(self.validator))
        # An empty upload reaches scans.check, which refuses it with its own code (scan_empty).
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        data = super().to_python(data)
        if data is None:
            return None
        data.scan_info = self.validator(data)
        return data
