"""ИНН (Идентификационный номер налогоплательщика, Russian taxpayer number).

The INN has 10 digits for an organisation and 12 digits for a person; a foreigner's personal INN
has 12. The first two digits are the tax region. Check digits (python-stdnum's ``stdnum.ru.inn``,
whose verdicts this module matches exactly):

* 10 digits: the last digit is Σ(d1…d9 × 2, 4, 10, 3, 5, 9, 4, 6, 8) mod 11 mod 10;
* 12 digits: d11 from d1…d10 × 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 and d12 from d1…d11 × 3, 7, 2, 4, 10,
  3, 5, 9, 4, 6, 8, each mod 11 mod 10.

Spaces and dashes are accepted and removed. With ``kind='person'`` a 10-digit INN is refused with a
message that it belongs to an organisation (and the other way round with ``kind='company'``).

More information:

* https://www.nalog.gov.ru/rn77/fl/interest/inn/
* https://ru.wikipedia.org/wiki/Идентификационный_номер_налогоплательщика

>>> validate('500100732259')
'500100732259'
>>> validate('7707 083 893')
'7707083893'
>>> validate('7707083893', kind='person')
Traceback (most recent call last):
    ...
validators.InvalidComponent: A 10-digit INN belongs to an organisation; a person's INN has 12 digits.
>>> validate('7707083894')
Traceback (most recent call last):
    ...
validators.InvalidChecksum: Check the INN: its check digits do not match the others, so a digit is mistyped.
>>> validate('12345678')
Traceback (most recent call last):
    ...
validators.InvalidLength: An INN has 12 digits (for a person) or 10 digits (for an organisation), not 8.
>>> is_valid('123456789037')
False
"""

from __future__ import annotations

from operator import mul
from typing import Literal

from stdnum.ru.inn import calc_company_check_digit, calc_personal_check_digits

from validators import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "calc_company_check_digit",
    "calc_personal_check_digits",
    "compact",
    "is_valid",
    "validate",
]

Kind = Literal["person", "company"]
KINDS = ("person", "company")

_COMPANY = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_PERSON_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_PERSON_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
# The weighted sums below run over ASCII code points; subtracting the weighted "0" gives the digits'.
_ZERO = ord("0")
_COMPANY_ZERO = _ZERO * sum(_COMPANY)
_PERSON_11_ZERO = _ZERO * sum(_PERSON_11)
_PERSON_12_ZERO = _ZERO * sum(_PERSON_12)


def compact(number: str) -> str:
    """Remove spaces, dashes and surrounding whitespace."""
    return number.replace(" ", "").replace("-", "").replace("\u00a0", "").strip()


def _checksum_ok(digits: bytes) -> bool:
    """Tell whether the check digits of a 10- or 12-digit INN (as ASCII bytes) are right."""
    # map(mul, ...) is the fast path (see bench/); the annotations tell the type checker its sums are ints.
    if len(digits) == 10:
        company: int = sum(map(mul, _COMPANY, digits))
        return (company - _COMPANY_ZERO) % 11 % 10 == digits[9] - _ZERO
    first: int = sum(map(mul, _PERSON_11, digits))
    if (first - _PERSON_11_ZERO) % 11 % 10 != digits[10] - _ZERO:
        return False
    second: int = sum(map(mul, _PERSON_12, digits))
    return (second - _PERSON_12_ZERO) % 11 % 10 == digits[11] - _ZERO


def validate(number: str, kind: Kind | None = None) -> str:
    """Check the INN and return its digits; ``kind`` (``'person'``/``'company'``) fixes the length."""
    if kind is not None and kind not in KINDS:
        raise TypeError(f"kind must be 'person', 'company' or None, not {kind!r}")
    number = compact(number)
    if number and not (number.isdigit() and number.isascii()):
        raise InvalidFormat(code="inn_invalid_characters")
    length = len(number)
    if length != 10 and length != 12:
        raise InvalidLength(code="inn_length", params={"length": length})
    if kind == "person" and length == 10:
        raise InvalidComponent(code="inn_company_for_person")
    if kind == "company" and length == 12:
        raise InvalidComponent(code="inn_person_for_company")
    if not _checksum_ok(number.encode("ascii")):
        raise InvalidChecksum(code="inn_checksum")
    return number


def is_valid(number: str, kind: Kind | None = None) -> bool:
    """Tell whether the INN is valid (for the given ``kind``, if any)."""
    try:
        return bool(validate(number, kind))
    except ValidationError:
        return False
