"""Django validators: small classes around the library's checks (options in ``__init__``, ``__call__``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from validators import dates as _dates
from validators import inn as _inn
from validators import mrz as _mrz
from validators import names as _names
from validators import ogrn as _ogrn
from validators import passport as _passport
from validators import phone as _phone
from validators import postcode as _postcode
from validators import regions as _regions
from validators import scans as _scans
from validators import snils as _snils
from validators import text as _text
from validators.django.errors import call

__all__ = [
    "BirthDateValidator",
    "CyrillicNameValidator",
    "DateValidator",
    "InnValidator",
    "LatinNameValidator",
    "LibraryValidator",
    "MRZValidator",
    "OgrnValidator",
    "PassportNumberValidator",
    "PhoneValidator",
    "PlainTextValidator",
    "PostcodeValidator",
    "RegionValidator",
    "ScanValidator",
    "SnilsValidator",
    "ValidUntilValidator",
]


class LibraryValidator:
    """Calls a library function; returns the clean value, raises Django's ``ValidationError``."""

    code = "invalid"
    help_text: Any = ""

    def __call__(self, value: Any) -> Any:
        return call(self.clean, value)

    def clean(self, value: Any) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_help_text(self) -> str:
        return str(self.help_text)

    def _options(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if not key.startswith("_")}

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._options() == other._options()

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible(path="validators.django.SnilsValidator")
class SnilsValidator(LibraryValidator):
    """A SNILS: 11 digits with valid check digits."""

    code = "snils_checksum"
    help_text = _("11 digits, for example 112-233-445 95.")

    def clean(self, value: str) -> str:
        return _snils.validate(value)


@deconstructible(path="validators.django.OgrnValidator")
class OgrnValidator(LibraryValidator):
    """An OGRN (13 digits) or OGRNIP (15); ``kind`` ``'company'`` or ``'entrepreneur'`` asks for one of them."""

    code = "ogrn_checksum"

    def __init__(self, kind: str | None = None) -> None:
        if kind not in (None, *_ogrn.KINDS):
            raise TypeError(f"kind must be 'company', 'entrepreneur' or None, not {kind!r}")
        self.kind = kind

    def clean(self, value: str) -> str:
        return _ogrn.validate(value, self.kind)  # type: ignore[arg-type]

    def get_help_text(self) -> str:
        if self.kind == "entrepreneur":
            return str(_("15 digits."))
        if self.kind == "company":
            return str(_("13 digits."))
        return str(_("13 digits for an organisation, 15 for an entrepreneur."))


@deconstructible(path="validators.django.InnValidator")
class InnValidator(LibraryValidator):
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


@deconstructible(path="validators.django.PassportNumberValidator")
class PassportNumberValidator(LibraryValidator):
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


@deconstructible(path="validators.django.DateValidator")
class DateValidator(LibraryValidator):
    """A date typed as DD.MM.YYYY."""

    code = "date_format"
    help_text = _("For example, 25.03.1990.")

    def clean(self, value: date | str) -> date:
        return value if isinstance(value, date) else _dates.parse(value)


@deconstructible(path="validators.django.BirthDateValidator")
class BirthDateValidator(DateValidator):
    """A date of birth giving an age from ``min_age`` to ``max_age`` years (today in Django's zone)."""

    code = "age_too_young"

    def __init__(self, min_age: int = _dates.MIN_AGE, max_age: int = _dates.MAX_AGE) -> None:
        self.min_age, self.max_age = min_age, max_age

    def clean(self, value: date | str) -> date:
        return _dates.validate_birth_date(super().clean(value), timezone.localdate(), self.min_age, self.max_age)


@deconstructible(path="validators.django.ValidUntilValidator")
class ValidUntilValidator(DateValidator):
    """An expiry date at least ``months`` months ahead (today in Django's zone)."""

    code = "document_expires_soon"

    def __init__(self, months: int = _dates.VALID_MONTHS) -> None:
        self.months = months

    def clean(self, value: date | str) -> date:
        return _dates.validate_valid_until(super().clean(value), timezone.localdate(), self.months)

    def get_help_text(self) -> str:
        return str(_("The document must be valid for at least %(months)s more months.") % {"months": self.months})


@deconstructible(path="validators.django.PhoneValidator")
class PhoneValidator(LibraryValidator):
    """A mobile phone number; the clean value is in E.164 form."""

    code = "phone_not_mobile"
    help_text = _("A mobile number with the country code, for example +998 90 123 45 67.")

    def __init__(self, region: str | None = None, country_name: str | None = None) -> None:
        self.region = region
        self.country_name = country_name

    def clean(self, value: str) -> str:
        return _phone.validate(value, self.region, country_name=self.country_name)


@deconstructible(path="validators.django.LatinNameValidator")
class LatinNameValidator(LibraryValidator):
    """A name in Latin letters, as in the passport."""

    code = "name_invalid_characters"
    help_text = _("In Latin letters, exactly as in your passport.")

    def clean(self, value: str) -> str:
        return _names.validate_latin(value)


@deconstructible(path="validators.django.CyrillicNameValidator")
class CyrillicNameValidator(LibraryValidator):
    """A name in Cyrillic letters."""

    code = "name_cyrillic_invalid_characters"
    help_text = _("In Cyrillic letters.")

    def clean(self, value: str) -> str:
        return _names.validate_cyrillic(value)


@deconstructible(path="validators.django.MRZValidator")
class MRZValidator(LibraryValidator):
    """A machine-readable zone (TD3 or TD1); the clean value is a :class:`validators.mrz.MRZ`."""

    code = "mrz_format"
    help_text = _("Type the lines at the bottom of the photo page, with every < sign.")

    def clean(self, value: str) -> _mrz.MRZ:
        return _mrz.validate(value, timezone.localdate())


@deconstructible(path="validators.django.RegionValidator")
class RegionValidator(LibraryValidator):
    """A code of one of the 89 federal subjects."""

    code = "region_unknown"

    def clean(self, value: str) -> str:
        return _regions.validate(value)


@deconstructible(path="validators.django.PostcodeValidator")
class PostcodeValidator(LibraryValidator):
    """A Russian postal code."""

    code = "postcode_format"
    help_text = _("6 digits, for example 101000.")

    def clean(self, value: str) -> str:
        return _postcode.validate(value)


@deconstructible(path="validators.django.PlainTextValidator")
class PlainTextValidator(LibraryValidator):
    """Free text without invisible, direction-changing or control characters (see :mod:`validators.text`)."""

    code = "text_invisible_characters"

    def clean(self, value: str) -> str:
        return _text.validate(value)


@deconstructible(path="validators.django.ScanValidator")
class ScanValidator(LibraryValidator):
    """A scan of a document of ``physical_size`` (see :func:`validators.scans.check`); cleans to the ``ScanInfo``."""

    code = "scan_invalid"

    def __init__(
        self,
        max_bytes: int = _scans.MAX_BYTES,
        min_dpi: int = _scans.MIN_DPI,
        allowed: Sequence[str] = ("pdf", "jpeg", "png"),
        min_sharpness: float = _scans.MIN_SHARPNESS,
        physical_size: _scans.PhysicalSize = _scans.PhysicalSize.ID1,
        upright: bool = True,
    ) -> None:
        self.max_bytes, self.min_dpi = max_bytes, min_dpi
        self.allowed, self.min_sharpness = tuple(allowed), min_sharpness
        self.physical_size, self.upright = physical_size, upright

    def clean(self, value: Any) -> _scans.ScanInfo:
        return _scans.check(value, getattr(value, "name", None), **self._options())

    def sanitise(self, value: Any) -> _scans.Sanitised:
        """The scan checked with these options, with nothing but the image (see :func:`validators.scans.sanitise`)."""
        return _scans.sanitise(value, getattr(value, "name", None), **self._options())

    def get_help_text(self) -> str:
        return str(
            _("PDF, JPEG or PNG, at most %(max_size)s MB, scanned at %(min_dpi)s dpi or more.")
            % {"max_size": f"{self.max_bytes / 1024 / 1024:g}", "min_dpi": self.min_dpi}
        )
