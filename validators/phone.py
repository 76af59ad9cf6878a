"""Mobile phone numbers in international (E.164) form, checked with phonenumbers.

Sign-in codes go by SMS, so the number must be a mobile one (or one of the numbering plans, such as
the USA's, where mobile and fixed numbers cannot be told apart). The number is best typed in
international form: ``+``, the country code and the number. Spaces, dashes, dots and brackets are
removed and ``00`` in front is read as ``+``. Digits typed without ``+`` are read, in this order, as
a number of the person's country (``region``, an ISO 3166 code, when the caller knows it: ``90 123
45 67`` with ``region='UZ'`` is ``+998901234567``), as a Russian number typed the domestic way
(``8 916 …``, ``916 …``: the service is in Russia, where many foreigners have a Russian SIM card),
and as international digits (``998901234567``); the first reading that is a mobile number wins. When
none is and the caller gave a region, the error says which country code to add
(``phone_needs_country_code``).

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
>>> validate('90 123 45 67', 'UZ')
'+998901234567'
>>> validate('916 123-45-67', 'UZ')
'+79161234567'
>>> validate('90 123 45', 'UZ', country_name='Uzbekistan')
Traceback (most recent call last):
    ...
validators.InvalidFormat: Add the country code at the start of the number: +998 (Uzbekistan).
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
#: Errors of the international reading that a missing country code explains.
_MISSING_COUNTRY_CODE = frozenset({"phone_too_short", "phone_invalid", "phone_unknown_country"})


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


def _national(digits: str, region: str | None) -> tuple[str | None, bool]:
    """The first mobile number among the national readings of ``digits`` (and whether one was a number at all)."""
    found_fixed = False
    for country in dict.fromkeys(code for code in (region, "RU") if code):
        try:
            parsed = phonenumbers.parse(digits, country)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            if phonenumbers.number_type(parsed) in _MOBILE_TYPES:
                return phonenumbers.format_number(parsed, PhoneNumberFormat.E164), False
            found_fixed = True
    return None, found_fixed


def validate(number: str, region: str | None = None, *, country_name: str | None = None) -> str:
    """Check that the number is a valid mobile number and return it in E.164 form.

    ``region`` is the person's country (ISO 3166 alpha-2), for numbers typed without their country
    code; ``country_name`` names it in the error that asks for the code (the code itself otherwise).
    """
    region = (region or "").upper() or None
    if region and not phonenumbers.country_code_for_region(region):
        region = None  # not a numbering plan (a stateless person's XX, Antarctica): no national reading
    typed = _SEPARATORS.sub("", number)
    national = typed.isdigit() and typed.isascii() and not typed.startswith("00") and len(typed) <= _MAX_DIGITS
    fixed = False
    if national:
        found, fixed = _national(typed, region)
        if found:
            return found
    try:
        return _validate_international(compact(number))
    except ValidationError as exc:
        if fixed and exc.code != "phone_not_mobile":
            raise InvalidComponent(code="phone_not_mobile") from None
        if region and national and exc.code in _MISSING_COUNTRY_CODE:
            params = {
                "calling_code": phonenumbers.country_code_for_region(region),
                "country_name": country_name or region,
            }
            raise InvalidFormat(code="phone_needs_country_code", params=params) from None
        raise


def _validate_international(number: str) -> str:
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


def is_valid(number: str, region: str | None = None) -> bool:
    """Tell whether the number is a valid mobile number (``region``: see :func:`validate`)."""
    try:
        return bool(validate(number, region))
    except ValidationError:
        return False


def format(number: str) -> str:
    """Return the number in international display form, e.g. ``+7 916 123-45-67``."""
    return phonenumbers.format_number(phonenumbers.parse(compact(number), None), PhoneNumberFormat.INTERNATIONAL)
