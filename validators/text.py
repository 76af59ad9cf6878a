"""Free text (places, addresses, messages, reasons): no invisible or direction-changing characters.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069), zero-width characters (U+200B–U+200F,
U+FEFF), line and paragraph separators (U+2028, U+2029), the other format characters (Unicode
category Cf), control characters other than tab and line breaks (Cc, NUL among them) and unpaired
surrogates (Cs) can make a clerk read something other than what is stored: ``Tashkent`` followed by
a right-to-left override shows its end reversed. The Arabic-script marks of category Cf that are
visible (U+0600–U+0605, U+06DD, U+070F, U+0890–U+0891, U+08E2, U+110BD, U+110CD) are allowed.

More information:

* https://www.unicode.org/reports/tr9/ (the bidirectional algorithm and its controls)
* https://trojansource.codes/ (the same trick in source code, CVE-2021-42574)

>>> validate('Ташкент, ул. Навои 1')
'Ташкент, ул. Навои 1'
>>> validate('Line one\\nline two')
'Line one\\nline two'
>>> validate('Tash\\u202ekent')
Traceback (most recent call last):
    ...
validators.InvalidFormat: Remove the invisible or control characters (U+202E): type the text instead of pasting it.
>>> is_valid('zero\\u200bwidth')
False
>>> invisible_characters('a\\x00b\\ufeffc\\x00')
['U+0000', 'U+FEFF']
"""

from __future__ import annotations

import unicodedata

from validators import InvalidFormat, ValidationError

__all__ = ["invisible_characters", "is_valid", "validate"]

#: Line breaks and tabs are how text areas hold lines.
ALLOWED_CONTROLS = frozenset("\t\n\r")
#: Format characters (Cf) that are visible signs of Arabic-script writing.
ALLOWED_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refused(character: str) -> bool:
    if character in ALLOWED_CONTROLS or character in ALLOWED_FORMAT:
        return False
    return unicodedata.category(character) in REFUSED_CATEGORIES


def invisible_characters(value: str) -> list[str]:
    """The refused characters in ``value``, as ``U+XXXX``, each once, in order of appearance."""
    found: dict[str, None] = {}
    for character in value:
        if _refused(character):
            found.setdefault(f"U+{ord(character):04X}")
    return list(found)


def validate(value: str) -> str:
    """Return ``value`` unchanged, or raise when it holds an invisible or control character."""
    found = invisible_characters(value)
    if found:
        raise InvalidFormat(code="text_invisible_characters", params={"characters": ", ".join(found[:5])})
    return value


def is_valid(value: str) -> bool:
    """Tell whether ``value`` is free of invisible and control characters."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True
