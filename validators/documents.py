"""Russian documents of stay: residence permit, temporary residence, migration card, work patent.

=======================  =====================  ============================================
kind                     series                 number
=======================  =====================  ============================================
``residence_permit``     2 digits               7 digits (``82 № 1234567``)
``temporary_residence``  none                   the decision number: free text (a stamp in
                                                the passport, with a date)
``migration_card``       4 digits               6 or 7 digits
``work_patent``          2 digits: the region   digits; the usual length (10) is a soft check:
                         that issued it         :func:`warnings` reports it, nothing refuses it
``stay_registration``    none                   none (no public format): free text, optional
=======================  =====================  ============================================

Spaces, ``№`` and dashes are removed from series and numbers. When the series is left empty and the
number has exactly the digits of series and number together, it is split (``821234567`` →
``('82', '1234567')``).

More information:

* https://www.consultant.ru/document/cons_doc_LAW_37868/ (Federal law 115-FZ on foreign citizens)

>>> validate('residence_permit', '82', '№ 1234567')
('82', '1234567')
>>> validate('residence_permit', '', '82 № 1234567')
('82', '1234567')
>>> validate('migration_card', '4617', '12345')
Traceback (most recent call last):
    ...
validators.InvalidFormat: The number is wrong: it looks like 1234567.
>>> validate('work_patent', '77', '123456')
('77', '123456')
>>> [w.code for w in warnings('work_patent', '77', '123456')]
['patent_number_length']
>>> validate('work_patent', '80', '1234567890')
Traceback (most recent call last):
    ...
validators.InvalidComponent: The patent series is the region code, and 80 is not one.
>>> validate('temporary_residence', '', '  Решение  № 123/2024 ')
('', 'Решение № 123/2024')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from validators import InvalidComponent, InvalidDate, InvalidFormat, InvalidLength, ValidationError
from validators import dates as _dates
from validators import regions as _regions

__all__ = [
    "KINDS",
    "RULES",
    "DocumentRule",
    "compact",
    "is_valid",
    "validate",
    "validate_stay_dates",
    "warnings",
]

#: The longest free-text number (temporary residence decision, stay registration).
MAX_TEXT_LENGTH = 50
#: The usual number of digits of a work patent's number.
PATENT_NUMBER_LENGTH = 10


@dataclass(frozen=True)
class DocumentRule:
    """How one kind of document's series and number look; ``None`` regexes mean free text."""

    kind: str
    title: str
    series_regex: str | None
    series_shape: str
    series_example: str
    number_regex: str | None
    number_shape: str
    number_example: str
    number_required: bool = True


RULES: dict[str, DocumentRule] = {
    rule.kind: rule
    for rule in (
        DocumentRule(
            "residence_permit", "Вид на жительство", r"\d{2}", "2 digits", "82",
            r"\d{7}", "7 digits", "1234567",
        ),
        DocumentRule(
            "temporary_residence", "Разрешение на временное проживание", None, "", "",
            None, "free text", "123/2024",
        ),
        DocumentRule(
            "migration_card", "Миграционная карта", r"\d{4}", "4 digits", "4617",
            r"\d{6,7}", "6 or 7 digits", "1234567",
        ),
        DocumentRule(
            "work_patent", "Патент на работу", r"\d{2}", "2 digits (the region code)", "77",
            r"\d+", "digits", "2100123456",
        ),
        DocumentRule(
            "stay_registration", "Уведомление о прибытии", None, "", "",
            None, "free text", "", number_required=False,
        ),
    )
}  # fmt: skip
KINDS = tuple(RULES)

_REMOVE = str.maketrans("", "", " \u00a0\t№-")
_TEXT = re.compile(r"[\w\s№/.\-]*")
_SPLIT = {"residence_permit": (2, 9), "migration_card": (4, 10, 11), "work_patent": (2, 12)}


def compact(value: str) -> str:
    """Remove spaces, ``№`` and dashes."""
    return value.translate(_REMOVE).strip()


def _rule(kind: str) -> DocumentRule:
    try:
        return RULES[kind]
    except KeyError:
        raise InvalidComponent(code="document_kind", params={"kind": kind}) from None


def _text(value: str) -> str:
    """Free text: whitespace collapsed, length and characters checked."""
    value = " ".join(value.split())
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidLength(code="document_text_too_long", params={"max_length": MAX_TEXT_LENGTH})
    if not _TEXT.fullmatch(value):
        raise InvalidFormat(code="document_text_invalid_characters")
    return value


def validate(kind: str, series: str, number: str) -> tuple[str, str]:
    """Check a document's series and number and return them compacted."""
    rule = _rule(kind)
    if rule.number_regex is None:
        number = _text(number)
        if rule.number_required and not number:
            raise InvalidLength(code="document_number_required")
        return (_text(series) if rule.series_regex is None else series), number
    series, number = compact(series), compact(number)
    if not number:
        raise InvalidLength(code="document_number_required")
    split = _SPLIT[kind]
    if not series and number.isdigit() and len(number) in split[1:]:
        series, number = number[: split[0]], number[split[0] :]
    if not re.fullmatch(rule.series_regex, series, re.ASCII):  # type: ignore[arg-type]
        raise InvalidFormat(
            code="document_series_format",
            params={"shape": rule.series_shape, "example": rule.series_example},
        )
    if not re.fullmatch(rule.number_regex, number, re.ASCII):
        raise InvalidFormat(
            code="document_number_format",
            params={"shape": rule.number_shape, "example": rule.number_example},
        )
    if kind == "work_patent" and not _regions.is_valid(series):
        raise InvalidComponent(code="patent_series_region", params={"series": series})
    return series, number


def is_valid(kind: str, series: str, number: str) -> bool:
    """Tell whether the series and number are valid for this kind of document."""
    try:
        return bool(validate(kind, series, number))
    except ValidationError:
        return False


def warnings(kind: str, series: str, number: str) -> list[ValidationError]:
    """Return soft-check findings (not raised) for a valid document, e.g. an unusual patent length.

    The form shows them as a request to double-check, and accepts the value all the same.
    """
    series, number = validate(kind, series, number)
    found: list[ValidationError] = []
    if kind == "work_patent" and len(number) != PATENT_NUMBER_LENGTH:
        found.append(
            InvalidLength(
                code="patent_number_length",
                params={"expected": PATENT_NUMBER_LENGTH, "length": len(number)},
            )
        )
    return found


def validate_stay_dates(start: date | str, end: date | str, today: date | None = None) -> tuple[date, date]:
    """Check a registration at the place of stay: it has started, and ends after it starts."""
    start = _dates.parse(start) if isinstance(start, str) else start
    end = _dates.parse(end) if isinstance(end, str) else end
    if start > (today or date.today()):
        raise InvalidDate(code="stay_start_future")
    if end <= start:
        raise InvalidDate(code="stay_dates_order")
    return start, end
