"""Passport numbers by issuing country.

The number is normalised (upper case; spaces, ``№`` and dashes removed) and checked against the
patterns of its issuing country (ISO 3166 alpha-2 code). The table :data:`PATTERNS` holds one row per
kind of document with a regular expression, an example, a human-readable shape, a confidence and a
source; add a row to teach the module a new country. A country without a high- or medium-confidence
row gets the generic rule of ICAO Doc 9303: the machine-readable document number has at most 9
letters and digits.

More information:

* https://www.icao.int/publications/Documents/9303_p4_cons_en.pdf (ICAO Doc 9303 part 4)
* https://www.consilium.europa.eu/prado/en/search-by-document-country.html (PRADO)

>>> validate('4510 123456', 'RU')
'4510123456'
>>> validate('ab 1234567', 'uz')
'AB1234567'
>>> validate('N1234567', 'KZ')
'N1234567'
>>> validate('AB123456', 'BY')  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
validators.InvalidFormat: This does not look like a passport number of the chosen country (BY: ...). Check the number.
>>> validate('AB123456', 'BY', country_name='Belarus')  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
validators.InvalidFormat: This does not look like a passport number of the chosen country (Belarus: ...
>>> validate('L898902C3X', 'ZZ')
Traceback (most recent call last):
    ...
validators.InvalidLength: A passport number has at most 9 letters and digits, not 10.
>>> [row.example for row in patterns_for('CN')]
['G12345678', 'EA1234567']
>>> hint('AM')
'2 Latin letters and 7 digits, for example AR1234567'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from validators import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "GENERIC",
    "PATTERNS",
    "PassportPattern",
    "compact",
    "hint",
    "is_valid",
    "patterns_for",
    "validate",
]

Confidence = Literal["high", "medium", "low"]

_WIKIPEDIA = "https://en.wikipedia.org/wiki/"
_ICAO = "https://www.icao.int/publications/Documents/9303_p4_cons_en.pdf"


@dataclass(frozen=True)
class PassportPattern:
    """One kind of passport of one country: how its number looks, and where that is documented."""

    country: str
    kind: str
    regex: str
    example: str
    shape: str
    confidence: Confidence
    source: str
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.regex))

    def matches(self, number: str) -> bool:
        """Tell whether the compact ``number`` has this pattern."""
        return self.compiled.fullmatch(number) is not None


#: The rule for every country without a known pattern (ICAO Doc 9303, document number field).
GENERIC = PassportPattern(
    "", "passport", r"[A-Z0-9]{1,9}", "L898902C3", "up to 9 Latin letters and digits", "low", _ICAO
)


def _low(country: str) -> PassportPattern:
    """A country whose pattern is not documented well enough: the ICAO rule, said so."""
    return PassportPattern(country, "passport", GENERIC.regex, GENERIC.example, GENERIC.shape, "low", _ICAO)


#: Known patterns; several rows for one country are alternatives.
PATTERNS: tuple[PassportPattern, ...] = (
    PassportPattern(
        "RU", "internal passport", r"\d{4}\d{6}", "4510123456",
        "10 digits (4 of the series and 6 of the number)", "high",
        _WIKIPEDIA + "Internal_passport_of_Russia",
    ),
    PassportPattern(
        "RU", "foreign passport", r"\d{9}", "751234567",
        "9 digits", "high", _WIKIPEDIA + "Russian_passport",
    ),
    PassportPattern(
        "BY", "passport", r"[A-Z]{2}\d{7}", "MP1234567",
        "2 Latin letters and 7 digits", "high", _WIKIPEDIA + "Belarusian_passport",
    ),
    PassportPattern(
        "UA", "passport", r"[A-Z]{2}\d{6}", "FA123456",
        "2 Latin letters and 6 digits", "high", _WIKIPEDIA + "Ukrainian_passport",
    ),
    PassportPattern(
        "AM", "passport", r"[A-Z]{2}\d{7}", "AR1234567",
        "2 Latin letters and 7 digits", "high", _WIKIPEDIA + "Armenian_passport",
    ),
    PassportPattern(
        "AZ", "passport", r"[A-Z]\d{8}", "C01234567",
        "1 Latin letter and 8 digits", "medium", _WIKIPEDIA + "Azerbaijani_passport",
    ),
    PassportPattern(
        "UZ", "passport", r"[A-Z]{2}\d{7}", "FA1234567",
        "2 Latin letters and 7 digits", "medium", _WIKIPEDIA + "Uzbek_passport",
    ),
    PassportPattern(
        "VN", "passport", r"[A-Z]\d{7}", "C1234567",
        "1 Latin letter and 7 digits", "medium", _WIKIPEDIA + "Vietnamese_passport",
    ),
    PassportPattern(
        "CN", "ordinary passport", r"G\d{8}", "G12345678",
        "G and 8 digits", "high", _WIKIPEDIA + "Chinese_passport",
    ),
    PassportPattern(
        "CN", "e-passport", r"E[A-HJ-NP-Z0-9]\d{7}", "EA1234567",
        "E, a letter (not I or O) or digit, and 7 digits", "high", _WIKIPEDIA + "Chinese_passport",
    ),
    PassportPattern(
        "IN", "passport", r"[A-Z]\d{7}", "K1234567",
        "1 Latin letter and 7 digits", "high", _WIKIPEDIA + "Indian_passport",
    ),
    PassportPattern(
        "TR", "passport", r"[A-Z]\d{8}", "U12345678",
        "1 Latin letter and 8 digits", "high", _WIKIPEDIA + "Turkish_passport",
    ),
    PassportPattern(
        "DE", "passport", r"[CFGHJKLMNPRTVWXYZ0-9]{9}", "C01X00T47",
        "9 characters: digits and the letters C F G H J K L M N P R T V W X Y Z", "high",
        _WIKIPEDIA + "German_passport",
    ),
    PassportPattern(
        "US", "passport", r"\d{9}", "123456789",
        "9 digits", "high", _WIKIPEDIA + "United_States_passport",
    ),
    PassportPattern(
        "US", "next-generation passport", r"[A-Z]\d{8}", "A12345678",
        "1 Latin letter and 8 digits", "high", _WIKIPEDIA + "United_States_passport",
    ),
    PassportPattern(
        "GB", "passport", r"\d{9}", "123456789",
        "9 digits", "high", _WIKIPEDIA + "British_passport",
    ),
    PassportPattern(
        "FR", "passport", r"\d{2}[A-Z]{2}\d{5}", "12AB34567",
        "2 digits, 2 Latin letters and 5 digits", "high", _WIKIPEDIA + "French_passport",
    ),
    PassportPattern(
        "IT", "passport", r"[A-Z0-9]{2}\d{7}", "YA1234567",
        "2 Latin letters or digits and 7 digits", "high", _WIKIPEDIA + "Italian_passport",
    ),
    _low("KZ"),
    _low("KG"),
    _low("TJ"),
    _low("TM"),
    _low("MD"),
    _low("GE"),
)  # fmt: skip

_COUNTRY = re.compile(r"[A-Z]{2}")
_REMOVE = str.maketrans("", "", " \u00a0\t№-")


def compact(number: str) -> str:
    """Upper-case, and remove spaces, ``№`` and dashes."""
    return number.upper().translate(_REMOVE).strip()


def patterns_for(country: str) -> list[PassportPattern]:
    """Return the patterns that apply to passports of ``country`` (the generic rule if none)."""
    country = country.strip().upper()
    rows = [row for row in PATTERNS if row.country == country and row.confidence != "low"]
    return rows or [row for row in PATTERNS if row.country == country] or [GENERIC]


def hint(country: str) -> str:
    """Return a hint for the form, such as ``2 Latin letters and 7 digits, for example AR1234567``."""
    return " or ".join(f"{row.shape}, for example {row.example}" for row in patterns_for(country))


def validate(number: str, country: str, *, country_name: str | None = None) -> str:
    """Check a passport number issued by ``country`` (ISO alpha-2) and return it compacted.

    ``country_name`` is how the error names the country (the library knows codes, not names in the
    reader's language: the caller passes the name it shows); the code stands in without one.
    """
    country = country.strip().upper()
    if not _COUNTRY.fullmatch(country):
        raise InvalidComponent(code="passport_country", params={"country": country})
    number = compact(number)
    if not number:
        raise InvalidLength(code="passport_empty")
    if not (number.isascii() and number.isalnum()):
        raise InvalidFormat(code="passport_invalid_characters")
    rows = patterns_for(country)
    if rows[0].confidence == "low" and len(number) > 9:
        raise InvalidLength(code="passport_length", params={"length": len(number)})
    if not any(row.matches(number) for row in rows):
        raise InvalidFormat(
            code="passport_pattern",
            params={
                "country": country,
                "country_name": country_name or country,
                "shape": " or ".join(row.shape for row in rows),
                "example": " / ".join(row.example for row in rows),
            },
        )
    return number


def is_valid(number: str, country: str) -> bool:
    """Tell whether the passport number is valid for ``country``."""
    try:
        return bool(validate(number, country))
    except ValidationError:
        return False
