"""ОГРН / ОГРНИП (Основной государственный регистрационный номер, Primary State Registration Number).

An organisation's OGRN has 13 digits, an individual entrepreneur's OGRNIP 15. The first digit is the
kind of record (1 or 5 for an organisation, 3 for an entrepreneur), then the year of registration, the
region, the tax office and the record's number; the last digit is a check digit: the number formed by
the other digits modulo 11 (13 digits) or 13 (15 digits), its last digit. Spaces and dashes are
accepted and removed. ``kind='company'`` asks for an OGRN, ``kind='entrepreneur'`` for an OGRNIP.

More information:

* https://ru.wikipedia.org/wiki/Основной_государственный_регистрационный_номер
* https://www.nalog.gov.ru/rn77/related_activities/registries/

>>> validate('1027700132195')
'1027700132195'
>>> validate('304 500 116 000 157')
'304500116000157'
>>> validate('1027700132196')
Traceback (most recent call last):
    ...
validators.InvalidChecksum: Check the OGRN: its check digit does not match the others, so a digit is mistyped.
>>> validate('10277001')
Traceback (most recent call last):
    ...
validators.InvalidLength: An OGRN has 13 digits (an OGRNIP of an entrepreneur 15), not 8.
>>> validate('304500116000157', kind='company')
Traceback (most recent call last):
    ...
validators.InvalidComponent: A 15-digit number is an entrepreneur's OGRNIP; an organisation's OGRN has 13 digits.
>>> validate('2027700132195')
Traceback (most recent call last):
    ...
validators.InvalidComponent: An OGRN starts with 1 or 5 (an OGRNIP with 3), not 2.
>>> format('1027700132195')
'1 02 77 00 13219 5'
>>> is_valid('1027700132195', kind='entrepreneur')
False
"""

from __future__ import annotations

from typing import Literal

from validators import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = ["calc_check_digit", "compact", "format", "is_valid", "validate"]

Kind = Literal["company", "entrepreneur"]
KINDS = ("company", "entrepreneur")
#: The first digit (the kind of record) each length allows.
_FIRST_DIGITS = {13: "15", 15: "3"}


def compact(number: str) -> str:
    """Remove spaces, dashes and surrounding whitespace."""
    return number.replace(" ", "").replace("-", "").replace("\u00a0", "").strip()


def calc_check_digit(number: str) -> str:
    """The check digit of a 13- or 15-digit number (its other digits: the first 12 or 14)."""
    body = number[:-1] if len(number) in (13, 15) else number
    modulus = 11 if len(body) == 12 else 13
    return str(int(body) % modulus % 10)


def validate(number: str, kind: Kind | None = None) -> str:
    """Check the OGRN (or OGRNIP) and return its digits; ``kind`` fixes which of them is asked for."""
    if kind is not None and kind not in KINDS:
        raise TypeError(f"kind must be 'company', 'entrepreneur' or None, not {kind!r}")
    number = compact(number)
    if not (number.isdigit() and number.isascii()):
        raise InvalidFormat(code="ogrn_invalid_characters")
    length = len(number)
    if length not in _FIRST_DIGITS:
        raise InvalidLength(code="ogrn_length", params={"length": length})
    if kind == "company" and length == 15:
        raise InvalidComponent(code="ogrn_entrepreneur_for_company")
    if kind == "entrepreneur" and length == 13:
        raise InvalidComponent(code="ogrn_company_for_entrepreneur")
    if number[0] not in _FIRST_DIGITS[length]:
        raise InvalidComponent(code="ogrn_record_kind", params={"digit": number[0]})
    if number[-1] != calc_check_digit(number):
        raise InvalidChecksum(code="ogrn_checksum")
    return number


def is_valid(number: str, kind: Kind | None = None) -> bool:
    """Tell whether the OGRN is valid (of the given ``kind``, if any)."""
    try:
        return bool(validate(number, kind))
    except ValidationError:
        return False


def format(number: str) -> str:
    """The number in groups as registers print it: kind, year, region, office, record, check digit."""
    number = compact(number)
    record = number[7:-1]
    return " ".join((number[0], number[1:3], number[3:5], number[5:7], record, number[-1]))
