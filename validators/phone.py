"""Mobile phone numbers in international (E.164) form, checked with phonenumbers.

Sign-in codes go by SMS, so the number must be a mobile one (or one of the numbering plans, such as
the USA's, where mobile and fixed numbers cannot be told apart). The number is typed in
international form: ``+``, the country code and the number. Spaces, dashes, dots and brackets are
removed; ``00`` in front is read as ``+``; a Russian number typed the domestic way (``8`` and ten
digits) is read as ``+7``, and digits without ``+`` are read as international.

More information:

* https://www.itu.int/rec/T-REC-E.164
* https://github.com/daviddrysdale/python-phonenumbers

>>> validate('+7 (916) 123-45-67')
'+79161234567'
>>> validate('998901234567')
'+998901234567'
>>> validate('8 916 123 45 67')
'+79161234567'
>>> format('+998901234567')
'+998 90 123 45 67'
>>> validate('+7 495 123-45-67')
Traceback (most recent call last):
    ...
validators.InvalidComponent: This is not a mobile number; enter a mobile number that can receive SMS.
>>> validate('+7916')  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
validators.InvalidLength: This phone number is too short: enter it with the country code, ...
>>> is_valid('+999 1234 5678')
False
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

from validators import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = ["compact", "format", "is_valid", "validate"]

_SEPARATORS = re.compile(r"[\s\-().\u00a0]")
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Longer than any E.164 number with room for a typo; stops phonenumbers from working on junk.
_MAX_DIGITS = 17


def compact(number: str) -> str:
    """Remove separators; turn ``00`` and Russian ``8`` prefixes into ``+``/``+7``."""
    number = _SEPARATORS.sub("", number)
    if number.startswith("+"):
        return number
    if number.startswith("00"):
        return "+" + number[2:]
    if len(number) == 11 and number.startswith("8"):
        return "+7" + number[1:]
    return "+" + number if number else number


def validate(number: str) -> str:
    """Check that the number is a valid mobile number and return it in E.164 form."""
    number = compact(number)
    digits = number[1:]
    if not (digits.isdigit() and digits.isascii()):
        if not digits:
            raise InvalidLength(code="phone_too_short")
        raise InvalidFormat(code="phone_invalid_characters")
    if len(digits) > _MAX_DIGITS:
        raise InvalidLength(code="phone_too_long")
    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            raise InvalidComponent(code="phone_unknown_country") from None
        if exc.error_type == NumberParseException.TOO_LONG:
            raise InvalidLength(code="phone_too_long") from None
        raise InvalidLength(code="phone_too_short") from None
    # An unknown country code never gets here: parse() has refused it already.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise InvalidLength(code="phone_too_short")
    if reason == ValidationResult.TOO_LONG:
        raise InvalidLength(code="phone_too_long")
    if reason != ValidationResult.IS_POSSIBLE or not phonenumbers.is_valid_number(parsed):
        raise InvalidFormat(code="phone_invalid")
    if phonenumbers.number_type(parsed) not in _MOBILE_TYPES:
        raise InvalidComponent(code="phone_not_mobile")
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def is_valid(number: str) -> bool:
    """Tell whether the number is a valid mobile number."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str) -> str:
    """Return the number in international display form, e.g. ``+7 916 123-45-67``."""
    return phonenumbers.format_number(
        phonenumbers.parse(compact(number), None), PhoneNumberFormat.INTERNATIONAL
    )
