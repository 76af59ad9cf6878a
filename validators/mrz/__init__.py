"""Machine-readable zones (MRZ) of ICAO Doc 9303: passports, identity cards and visas.

Five formats, told apart by their shape and first letter:

========  ==================  ==============  ================================
format    document            lines × width   first letter
========  ==================  ==============  ================================
``TD3``   passport            2 × 44          ``P``
``TD2``   identity card       2 × 36          ``I``, ``A`` or ``C``
``TD1``   identity card       3 × 30          ``I``, ``A`` or ``C``
``MRV-A`` visa (large)        2 × 44          ``V``
``MRV-B`` visa (small)        2 × 36          ``V``
========  ==================  ==============  ================================

Only ``A–Z``, ``0–9`` and the filler ``<`` occur. Input is taken forgivingly: lower case is
upper-cased, whitespace inside and around lines is removed, Windows line ends are fine, and a zone
pasted as one line of 60, 72, 88 or 90 characters is split (60 reads as two lines of 30 and fails as
a TD1 needs three).

Check digits: ``0–9`` count as 0–9, ``A–Z`` as 10–35 and ``<`` as 0; weights 7, 3, 1 repeating; sum
mod 10. Every one the format has is verified, and each failure has its own code: the document
number, the birth date and the expiry date (all formats), the optional data (TD3), and the composite
(TD3, TD2, TD1; visas have none). A document number longer than 9 characters (TD1, TD2) goes on in
the optional data with its check digit last, the usual check-digit place holding ``<``. This checks
structure and check digits only: whether the document has expired is
:func:`validators.dates.validate_valid_until`'s question.

Dates are YYMMDD. A birth date is put in the latest century that does not make it future (``740812``
→ 1974); an expiry date in 2000–2099 unless that is more than 50 years ahead, then in the 1900s
(``120415`` → 2012). Sex is ``M``, ``F`` or ``X`` (the filler ``<`` also reads as ``X``). A birth
date with unknown parts (fillers) is refused.

More information:

* https://www.icao.int/publications/Documents/9303_p3_cons_en.pdf (check digits)
* https://www.icao.int/publications/Documents/9303_p4_cons_en.pdf (TD3)
* https://www.icao.int/publications/Documents/9303_p5_cons_en.pdf (TD1)
* https://www.icao.int/publications/Documents/9303_p6_cons_en.pdf (TD2)
* https://www.icao.int/publications/Documents/9303_p7_cons_en.pdf (MRV-A, MRV-B)

The specimens of ICAO 9303, one per format:

>>> from datetime import date
>>> zone = validate('''P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
... L898902C36UTO7408122F1204159ZE184226B<<<<<10''', today=date(2025, 1, 1))
>>> zone.document_number, zone.nationality, zone.birth_date, zone.expiry_date
('L898902C3', 'UTO', datetime.date(1974, 8, 12), datetime.date(2012, 4, 15))
>>> zone.surname, zone.given_names, zone.sex, zone.format, zone.optional_data
('ERIKSSON', 'ANNA MARIA', 'F', 'TD3', 'ZE184226B')
>>> validate('''P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
... L898902C36UTO7408132F1204159ZE184226B<<<<<10''')
Traceback (most recent call last):
    ...
validators.InvalidChecksum: The date of birth's check digit is wrong: re-type the zone.
>>> calc_check_digit('L898902C3')
'6'
>>> card = validate('''I<UTOD231458907<<<<<<<<<<<<<<<
... 7408122F1204159UTO<<<<<<<<<<<6
... ERIKSSON<<ANNA<MARIA<<<<<<<<<<''', today=date(2025, 1, 1))
>>> card.document_number, card.format, card.given_names
('D23145890', 'TD1', 'ANNA MARIA')
>>> card = validate('''I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<
... D231458907UTO7408122F1204159<<<<<<<6''', today=date(2025, 1, 1))
>>> card.document_number, card.format, card.surname
('D23145890', 'TD2', 'ERIKSSON')
>>> visa = validate('''V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
... L8988901C4XXX4009078F96121096ZE184226B<<<<<<''', today=date(2025, 1, 1))
>>> visa.format, visa.document_number, visa.nationality, visa.birth_date, visa.optional_data
('MRV-A', 'L8988901C', 'XXX', datetime.date(1940, 9, 7), '6ZE184226B')
>>> visa = validate('''V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<
... L8988901C4XXX4009078F9612109<<<<<<<<''', today=date(2025, 1, 1))
>>> visa.format, visa.expiry_date, visa.as_dict()['expiry_date']
('MRV-B', datetime.date(1996, 12, 10), '1996-12-10')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from validators import InvalidChecksum, InvalidDate, InvalidFormat, ValidationError

__all__ = [
    "FORMATS",
    "MRZ",
    "MRZNotFound",
    "MRZUnreadable",
    "calc_check_digit",
    "compact",
    "is_valid",
    "read",
    "validate",
]

_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}
_WEIGHTS = (7, 3, 1)
_CHARACTERS = re.compile(r"[A-Z0-9<\n]*")
_WHITESPACE = re.compile(r"[^\S\n]+")
#: The formats by shape (line widths) and the first letter of the document type.
FORMATS: dict[tuple[int, ...], dict[str, str]] = {
    (44, 44): {"P": "TD3", "V": "MRV-A"},
    (36, 36): {"I": "TD2", "A": "TD2", "C": "TD2", "V": "MRV-B"},
    (30, 30, 30): {"I": "TD1", "A": "TD1", "C": "TD1"},
}
#: How far ahead an expiry date may lie before it is read as last century's.
EXPIRY_YEARS_AHEAD = 50


class MRZNotFound(ValidationError):
    """No machine-readable zone was found on the scan."""

    code = "mrz_not_found"


class MRZUnreadable(MRZNotFound):
    """A zone was found but not read with every check digit holding; ``params['text']`` is what was read."""

    code = "mrz_unreadable"


@dataclass(frozen=True)
class MRZ:
    """The fields of a machine-readable zone.

    ``format`` is one of ``TD1``, ``TD2``, ``TD3``, ``MRV-A``, ``MRV-B``. ``optional_data`` is the
    optional data of line 2 (TD3: the personal number; visas and TD2: what follows the expiry date) or
    of line 1 (TD1, whose line 2 has ``optional_data_2``), fillers stripped. ``lines`` is the zone.
    """

    document_type: str
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str
    expiry_date: date
    surname: str
    given_names: str
    optional_data: str
    format: str
    optional_data_2: str = ""
    lines: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready values: dates in ISO form, ``lines`` as a list."""
        return {
            **{name: value for name, value in vars(self).items() if name != "lines"},
            "birth_date": self.birth_date.isoformat(),
            "expiry_date": self.expiry_date.isoformat(),
            "lines": list(self.lines),
        }


def calc_check_digit(data: str) -> str:
    """Calculate the ICAO 9303 check digit of ``data``."""
    return str(sum(_VALUES[c] * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


def compact(text: str) -> str:
    """Upper-case, remove whitespace in lines and empty lines, split a one-line zone."""
    lines = [line for line in _WHITESPACE.sub("", text.upper()).splitlines() if line]
    if len(lines) == 1 and len(lines[0]) in (60, 72, 88, 90):
        width = {60: 30, 72: 36, 88: 44, 90: 30}[len(lines[0])]
        lines = [lines[0][i : i + width] for i in range(0, len(lines[0]), width)]
    return "\n".join(lines)


def _check(data: str, digit: str, code: str) -> None:
    if calc_check_digit(data) != digit:
        raise InvalidChecksum(code=code)


def _birth_date(value: str, today: date) -> date:
    if value.isdigit():
        year, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
        for century in (2000, 1900):
            try:
                found = date(century + year, month, day)
            except ValueError:
                continue
            if found <= today:
                return found
    raise InvalidDate(code="mrz_birth_date", params={"value": value})


def _expiry_date(value: str, today: date) -> date:
    if value.isdigit():
        year = 2000 + int(value[:2])
        if year > today.year + EXPIRY_YEARS_AHEAD:
            year -= 100
        try:
            return date(year, int(value[2:4]), int(value[4:]))
        except ValueError:
            pass
    raise InvalidDate(code="mrz_expiry_date", params={"value": value})


def _sex(value: str) -> str:
    if value not in "MFX<":
        raise InvalidFormat(code="mrz_sex", params={"value": value})
    return "X" if value == "<" else value


def _names(text: str) -> tuple[str, str]:
    surname, _, given = text.rstrip("<").partition("<<")
    surname, given = surname.replace("<", " ").strip(), given.replace("<", " ").strip()
    if not surname:
        raise InvalidFormat(code="mrz_name")
    return surname, " ".join(given.split())


def _long_number(number: str, digit: str, optional: str) -> tuple[str, str, str]:
    """A number longer than 9 characters goes on in the optional data, its check digit last."""
    if digit == "<" and optional[0] != "<":
        extra = optional.split("<", 1)[0]
        return number + extra[:-1], extra[-1], optional[len(extra) :]
    return number, digit, optional


def _fields(lines: list[str], fmt: str, today: date) -> MRZ:
    """Check the lines of a zone of format ``fmt`` and return its fields."""
    if fmt == "TD1":
        line1, data, names = lines[0], lines[1], lines[2]
        birth, sex, expiry, nationality = data[0:7], data[7], data[8:15], data[15:18]
        number, digit, optional = _long_number(line1[5:14], line1[14], line1[15:30])
        optional_2 = data[18:29]
        composite: str | None = line1[5:30] + data[0:7] + data[8:15] + data[18:29]
    else:
        line1, data = lines
        names = line1[5:]
        birth, sex, expiry, nationality = data[13:20], data[20], data[21:28], data[10:13]
        number, digit, optional = data[0:9], data[9], data[28:]
        optional_2 = ""
        composite = None
        if fmt in ("TD3", "TD2"):
            optional, composite = optional[:-1], data[0:10] + data[13:20] + data[21:-1]
        if fmt == "TD2":
            number, digit, optional = _long_number(number, digit, optional)
    surname, given = _names(names)
    sex = _sex(sex)
    birth_date, expiry_date = _birth_date(birth[:6], today), _expiry_date(expiry[:6], today)
    _check(number, digit, "mrz_check_digit_number")
    _check(birth[:6], birth[6], "mrz_check_digit_birth_date")
    _check(expiry[:6], expiry[6], "mrz_check_digit_expiry_date")
    if fmt == "TD3":
        optional, optional_digit = optional[:14], optional[14]
        if not (optional_digit == "<" and optional == "<" * 14):
            _check(optional, optional_digit, "mrz_check_digit_optional")
    if composite is not None:
        _check(composite, data[-1], "mrz_check_digit_composite")
    return MRZ(
        document_type=line1[:2].rstrip("<"),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=number.rstrip("<"),
        nationality=nationality.replace("<", ""),
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        surname=surname,
        given_names=given,
        optional_data=optional.strip("<"),
        format=fmt,
        optional_data_2=optional_2.rstrip("<"),
        lines=tuple(lines),
    )


def validate(text: str, today: date | None = None) -> MRZ:
    """Check a zone of any ICAO 9303 format and return its fields; ``today`` is for reading two-digit years."""
    text = compact(text)
    if not text:
        raise InvalidFormat(code="mrz_empty")
    if not _CHARACTERS.fullmatch(text):
        raise InvalidFormat(code="mrz_invalid_characters")
    lines = text.split("\n")
    formats = FORMATS.get(tuple(map(len, lines)))
    if formats is None:
        raise InvalidFormat(code="mrz_format")
    fmt = formats.get(lines[0][0])
    if fmt is None:
        raise InvalidFormat(code="mrz_document_type", params={"document_type": lines[0][:2]})
    return _fields(lines, fmt, today or date.today())


def is_valid(text: str) -> bool:
    """Tell whether the zone is valid."""
    try:
        return bool(validate(text))
    except ValidationError:
        return False


def read(file: Any, *, today: date | None = None) -> MRZ:
    """Find and read the zone on a scan or photo (JPEG, PNG or PDF): see :mod:`validators.mrz.reading`.

    Needs the ``ocr`` extra (``pip install 'gosuslugi-validators[ocr]'``); without it, an
    :class:`ImportError` says so.
    """
    from validators.mrz.reading import read as read_zone

    return read_zone(file, today=today)
