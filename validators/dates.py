"""Dates as the portal's forms take them: DD.MM.YYYY.

A date is typed as two-digit day, two-digit month and four-digit year separated by dots; nothing
else is accepted (no other separators, no two-digit years), and the date must exist (no 31.02). A
birth date lies in the past and gives an age from 14 (an own account) to 120 years. An identity
document must stay valid for at least 6 months from the application date.

More information:

* https://www.gosuslugi.ru/help/faq/foreign_citizens

>>> parse('25.03.1990')
datetime.date(1990, 3, 25)
>>> format(parse(' 01.02.2003 '))
'01.02.2003'
>>> parse('1990-03-25')
Traceback (most recent call last):
    ...
validators.InvalidDate: Enter the date as DD.MM.YYYY, for example 25.03.1990.
>>> parse('31.02.2001')
Traceback (most recent call last):
    ...
validators.InvalidDate: There is no such date: 31.02.2001.
>>> from datetime import date
>>> validate_birth_date('25.03.1990', today=date(2025, 1, 10))
datetime.date(1990, 3, 25)
>>> validate_birth_date('25.03.2015', today=date(2025, 1, 10))
Traceback (most recent call last):
    ...
validators.InvalidDate: You must be at least 14 years old.
>>> validate_valid_until('01.05.2025', today=date(2025, 1, 10))  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
validators.InvalidDate: The document must be valid for at least 6 months, that is until 10.07.2025 ...
>>> age(date(2000, 2, 29), today=date(2018, 2, 28))
17
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from validators import InvalidDate, ValidationError

__all__ = [
    "MAX_AGE",
    "MIN_AGE",
    "add_months",
    "age",
    "compact",
    "format",
    "is_valid",
    "parse",
    "validate",
    "validate_birth_date",
    "validate_valid_until",
]

#: The youngest age for an own account, and the oldest plausible age.
MIN_AGE = 14
MAX_AGE = 120
#: How long an identity document must stay valid after the application date.
VALID_MONTHS = 6

_PATTERN = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def compact(value: str) -> str:
    """Remove surrounding whitespace."""
    return value.strip()


def parse(value: str) -> date:
    """Parse a DD.MM.YYYY date strictly."""
    value = compact(value)
    match = _PATTERN.fullmatch(value) if value.isascii() else None
    if match is None:
        raise InvalidDate(code="date_format")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate(code="date_not_exist", params={"value": value}) from None


def validate(value: str) -> date:
    """Same as :func:`parse`: check a DD.MM.YYYY date and return it."""
    return parse(value)


def is_valid(value: str) -> bool:
    """Tell whether ``value`` is an existing DD.MM.YYYY date."""
    try:
        return bool(validate(value))
    except ValidationError:
        return False


def format(value: date) -> str:
    """Return the date as DD.MM.YYYY."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def _as_date(value: date | str) -> date:
    return parse(value) if isinstance(value, str) else value


def age(birth: date, today: date | None = None) -> int:
    """Return the age in whole years on ``today`` (someone born on 29 February ages on 1 March)."""
    today = today or date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def add_months(value: date, months: int) -> date:
    """Add calendar months, keeping the day or falling back to the month's last day."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def validate_birth_date(
    value: date | str, today: date | None = None, min_age: int = MIN_AGE, max_age: int = MAX_AGE
) -> date:
    """Check a birth date: not in the future, age from ``min_age`` to ``max_age``; return it."""
    birth = _as_date(value)
    today = today or date.today()
    if birth > today:
        raise InvalidDate(code="birth_date_future")
    years = age(birth, today)
    if years < min_age:
        raise InvalidDate(code="age_too_young", params={"min_age": min_age, "age": years})
    if years > max_age:
        raise InvalidDate(code="age_too_old", params={"max_age": max_age, "age": years})
    return birth


def validate_valid_until(expiry: date | str, today: date | None = None, months: int = VALID_MONTHS) -> date:
    """Check that a document valid until ``expiry`` stays valid ``months`` months after ``today``."""
    expiry = _as_date(expiry)
    today = today or date.today()
    if expiry < today:
        raise InvalidDate(code="document_expired", params={"expiry": format(expiry)})
    min_date = add_months(today, months)
    if expiry < min_date:
        raise InvalidDate(
            code="document_expires_soon",
            params={"months": months, "min_date": format(min_date), "expiry": format(expiry)},
        )
    return expiry
