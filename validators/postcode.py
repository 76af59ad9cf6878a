"""Почтовый индекс (Russian postal code).

A Russian postal code has 6 digits; spaces are removed.

More information:

* https://www.pochta.ru/support/post-rules/postal-code

>>> validate('101 000')
'101000'
>>> validate('10100')
Traceback (most recent call last):
    ...
validators.InvalidFormat: A postcode has 6 digits, for example 101000.
>>> is_valid('1O1000')
False
"""

from __future__ import annotations

from validators import InvalidFormat, ValidationError

__all__ = ["compact", "is_valid", "validate"]


def compact(number: str) -> str:
    """Remove spaces and surrounding whitespace."""
    return number.replace(" ", "").strip()


def validate(number: str) -> str:
    """Check the postal code and return its 6 digits."""
    number = compact(number)
    if len(number) != 6 or not (number.isdigit() and number.isascii()):
        raise InvalidFormat(code="postcode_format")
    return number


def is_valid(number: str) -> bool:
    """Tell whether the postal code is valid."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False
