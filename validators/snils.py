"""СНИЛС (Страховой номер индивидуального лицевого счёта, Russian insurance account number).

The SNILS is the personal number of the Russian social insurance (pension) register. It has 11
digits: a 9-digit number and 2 check digits, displayed as ``XXX-XXX-XXX YY``. The check number is the
sum of the first nine digits weighted 9, 8, …, 1, taken modulo 101 and then modulo 100 (so a sum of
100 or 101, or a remainder of 100, gives ``00``). Numbers whose first nine digits are at most
``001-001-998`` were issued before the check number existed and are not checked.

More information:

* https://www.consultant.ru/document/cons_doc_LAW_124607/ (§8, worked example 112-233-445 95)
* https://ru.wikipedia.org/wiki/Страховой_номер_индивидуального_лицевого_счёта

>>> validate('112-233-445 95')
'11223344595'
>>> validate('026 002 389 00')
'02600238900'
>>> validate('112-233-445 96')
Traceback (most recent call last):
    ...
validators.InvalidChecksum: Check the SNILS: its last two digits do not match the others, so a digit is mistyped.
>>> validate('112-233-445')
Traceback (most recent call last):
    ...
validators.InvalidLength: A SNILS has 11 digits, not 9.
>>> validate('112-233-445 9O')
Traceback (most recent call last):
    ...
validators.InvalidFormat: A SNILS has only digits (spaces and dashes are allowed).
>>> is_valid('145-274-508 00')
False
>>> format('11223344595')
'112-233-445 95'
>>> calc_check_digits('543546368')
'00'
"""

from __future__ import annotations

from operator import mul

from validators import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = ["calc_check_digits", "compact", "format", "is_valid", "validate"]

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, 1)
_ZERO_OFFSET = ord("0") * sum(_WEIGHTS)
#: The highest nine-digit number that carries no check number (001-001-998).
LAST_UNCHECKED = 1001998


def compact(number: str) -> str:
    """Remove spaces and dashes (separators of the display form) and surrounding whitespace."""
    return number.replace(" ", "").replace("-", "").replace("\u00a0", "").strip()


def calc_check_digits(number: str) -> str:
    """Calculate the two check digits for the first nine digits of ``number``."""
    # Digits as bytes: the weighted sum of code points minus the weighted code point of "0".
    total = sum(map(mul, _WEIGHTS, number[:9].encode("ascii"))) - _ZERO_OFFSET
    return f"{total % 101 % 100:02d}"


def validate(number: str) -> str:
    """Check the SNILS and return it as 11 digits; raise a ``ValidationError`` otherwise."""
    number = compact(number)
    if number and not (number.isdigit() and number.isascii()):
        raise InvalidFormat(code="snils_invalid_characters")
    if len(number) != 11:
        raise InvalidLength(code="snils_length", params={"length": len(number)})
    # The error never carries the right check number: a mistyped SNILS "corrected" to match it would
    # be someone else's.
    if int(number[:9]) > LAST_UNCHECKED and calc_check_digits(number) != number[9:]:
        raise InvalidChecksum(code="snils_checksum")
    return number


def is_valid(number: str) -> bool:
    """Tell whether the SNILS is valid."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    """Return the display form ``XXX-XXX-XXX YY``."""
    number = compact(number)
    return f"{number[:3]}-{number[3:6]}-{number[6:9]} {number[9:]}"
