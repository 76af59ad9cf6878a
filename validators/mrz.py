"""Machine-readable zone (MRZ) of passports (TD3) and identity cards (TD1), ICAO Doc 9303.

A TD3 zone (passports) has two lines of 44 characters; a TD1 zone (identity cards) has three lines of
30. Only ``A–Z``, ``0–9`` and the filler ``<`` occur. Input is taken forgivingly: lower case is
upper-cased, whitespace inside and around lines is removed, Windows line ends are fine, and a zone
pasted as one line of 88 or 90 characters is split.

Check digits: ``0–9`` count as 0–9, ``A–Z`` as 10–35 and ``<`` as 0; weights 7, 3, 1 repeating; sum
mod 10. Every one is verified (document number, birth date, expiry date, optional data on TD3, and
the composite) and each failure has its own code. This checks structure and check digits only:
whether the document has expired is :func:`validators.dates.validate_valid_until`'s question.

Dates are YYMMDD. A birth date is put in the latest century that does not make it future (``740812``
→ 1974); an expiry date in 2000–2099 unless that is more than 50 years ahead, then in the 1900s
(``120415`` → 2012). Sex is ``M``, ``F`` or ``X`` (the filler ``<`` also reads as ``X``). A birth
date with unknown parts (fillers) is refused.

More information:

* https://www.icao.int/publications/Documents/9303_p3_cons_en.pdf (check digits)
* https://www.icao.int/publications/Documents/9303_p4_cons_en.pdf (TD3)
* https://www.icao.int/publications/Documents/9303_p5_cons_en.pdf (TD1)

>>> from datetime import date
>>> zone = validate('''P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
... L898902C36UTO7408122F1204159ZE184226B<<<<<10''', today=date(2025, 1, 1))
>>> zone.document_number, zone.nationality, zone.birth_date, zone.expiry_date
('L898902C3', 'UTO', datetime.date(1974, 8, 12), datetime.date(2012, 4, 15))
>>> zone.surname, zone.given_names, zone.sex, zone.format
('ERIKSSON', 'ANNA MARIA', 'F', 'TD3')
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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from validators import InvalidChecksum, InvalidDate, InvalidFormat, ValidationError

__all__ = ["MRZ", "calc_check_digit", "compact", "is_valid", "validate"]

_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}
_WEIGHTS = (7, 3, 1)
_CHARACTERS = re.compile(r"[A-Z0-9<\n]*")
_WHITESPACE = re.compile(r"[^\S\n]+")
_SHAPES = {(44, 44): "TD3", (30, 30, 30): "TD1"}
#: How far ahead an expiry date may lie before it is read as last century's.
EXPIRY_YEARS_AHEAD = 50


@dataclass(frozen=True)
class MRZ:
    """The fields of a machine-readable zone."""

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


def calc_check_digit(data: str) -> str:
    """Calculate the ICAO 9303 check digit of ``data``."""
    return str(sum(_VALUES[c] * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


def compact(text: str) -> str:
    """Upper-case, remove whitespace in lines and empty lines, split a one-line zone."""
    lines = [line for line in _WHITESPACE.sub("", text.upper()).splitlines() if line]
    if len(lines) == 1 and len(lines[0]) in (88, 90):
        width = 44 if len(lines[0]) == 88 else 30
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


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.rstrip("<").partition("<<")
    surname, given = surname.replace("<", " ").strip(), given.replace("<", " ").strip()
    if not surname:
        raise InvalidFormat(code="mrz_name")
    return surname, " ".join(given.split())


def _td3(line1: str, line2: str, today: date) -> MRZ:
    if line1[0] != "P":
        raise InvalidFormat(code="mrz_document_type", params={"document_type": line1[:2]})
    surname, given = _names(line1[5:])
    sex = _sex(line2[20])
    birth, expiry = _birth_date(line2[13:19], today), _expiry_date(line2[21:27], today)
    _check(line2[0:9], line2[9], "mrz_check_digit_number")
    _check(line2[13:19], line2[19], "mrz_check_digit_birth_date")
    _check(line2[21:27], line2[27], "mrz_check_digit_expiry_date")
    optional = line2[28:42]
    if not (line2[42] == "<" and optional == "<" * 14):
        _check(optional, line2[42], "mrz_check_digit_optional")
    _check(line2[0:10] + line2[13:20] + line2[21:43], line2[43], "mrz_check_digit_composite")
    return MRZ(
        document_type=line1[:2].rstrip("<"),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=line2[0:9].rstrip("<"),
        nationality=line2[10:13].replace("<", ""),
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        surname=surname,
        given_names=given,
        optional_data=optional.rstrip("<"),
        format="TD3",
    )


def _td1(line1: str, line2: str, line3: str, today: date) -> MRZ:
    if line1[0] not in "IAC":
        raise InvalidFormat(code="mrz_document_type", params={"document_type": line1[:2]})
    surname, given = _names(line3)
    sex = _sex(line2[7])
    birth, expiry = _birth_date(line2[0:6], today), _expiry_date(line2[8:14], today)
    number, digit, optional = line1[5:14], line1[14], line1[15:30]
    if digit == "<" and optional[0] != "<":
        # A number longer than 9 characters goes on in the optional data, its check digit last.
        extra = optional.split("<", 1)[0]
        number, digit, optional = number + extra[:-1], extra[-1], optional[len(extra) :]
    _check(number, digit, "mrz_check_digit_number")
    _check(line2[0:6], line2[6], "mrz_check_digit_birth_date")
    _check(line2[8:14], line2[14], "mrz_check_digit_expiry_date")
    _check(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29], "mrz_check_digit_composite")
    return MRZ(
        document_type=line1[:2].rstrip("<"),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=number.rstrip("<"),
        nationality=line2[15:18].replace("<", ""),
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        surname=surname,
        given_names=given,
        optional_data=optional.strip("<"),
        format="TD1",
        optional_data_2=line2[18:29].rstrip("<"),
    )


def validate(text: str, today: date | None = None) -> MRZ:
    """Check a TD3 or TD1 zone and return its fields; ``today`` is for reading two-digit years."""
    text = compact(text)
    if not text:
        raise InvalidFormat(code="mrz_empty")
    if not _CHARACTERS.fullmatch(text):
        raise InvalidFormat(code="mrz_invalid_characters")
    lines = text.split("\n")
    shape = _SHAPES.get(tuple(map(len, lines)))
    today = today or date.today()
    if shape == "TD3":
        return _td3(lines[0], lines[1], today)
    if shape == "TD1":
        return _td1(lines[0], lines[1], lines[2], today)
    raise InvalidFormat(code="mrz_format")


def is_valid(text: str) -> bool:
    """Tell whether the zone is valid."""
    try:
        return bool(validate(text))
    except ValidationError:
        return False
