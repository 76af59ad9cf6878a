"""Names in Latin letters as in the passport, and their Cyrillic form.

A foreigner types the name exactly as the passport prints it in Latin letters: letters (accented
Latin letters too), spaces, hyphens and apostrophes between letters. The portal then *proposes* a
Cyrillic form and the person confirms or corrects it.

Cyrillic → Latin follows ICAO Doc 9303 (as in Russian foreign passports): ``Ж ZH, Х KH, Ц TS, Ч CH,
Ш SH, Щ SHCH, Ъ IE, Ы Y, Ь`` (omitted), ``Ю IU, Я IA``, Ё → E, Й → I. Latin → Cyrillic is ambiguous
(E ← Е/Ё/Э, I ← И/Й, Ь is lost), so :func:`to_cyrillic` only proposes a form, by longest match
(``SHCH`` before ``SH``; ``ZH KH TS CH SH IU IA`` and the common non-ICAO spellings ``YA YU YO YE``),
keeping the case. ``IE`` stays ``ИЕ``. A few context rules make foreign spellings read naturally: a
word-final ``I`` or a ``Y`` after a vowel gives ``Й`` (``Nikolai`` → ``Николай``, ``Aybek`` →
``Айбек``), a word-final ``Y`` after a consonant gives ``ИЙ`` (``Dmitry`` → ``Дмитрий``), and letters
outside the ICAO table get their usual Russian reading (``C`` → ``К``, ``H`` → ``Х``, ``J`` → ``ДЖ``,
``Q`` → ``К``, ``W`` → ``В``, ``X`` → ``КС``; accents are dropped, ``Ş`` → ``Ш``, ``Ç`` → ``Ч``).

:func:`matches` checks a correction: does the Cyrillic name plausibly spell the Latin one?

More information:

* https://www.icao.int/publications/Documents/9303_p3_cons_en.pdf (Doc 9303 part 3, section 6)

>>> to_cyrillic('Shchukin')
'Щукин'
>>> to_cyrillic('TSVETKOVA')
'ЦВЕТКОВА'
>>> to_cyrillic('Jamshid Yusupov')
'Джамшид Юсупов'
>>> to_latin('Подъячев')
'Podieiachev'
>>> to_latin('ЩУКИН')
'SHCHUKIN'
>>> validate_latin("  o'neil-SMITH  anna ")
"o'neil-SMITH anna"
>>> validate_latin('Иванов')
Traceback (most recent call last):
    ...
validators.InvalidFormat: Use only Latin letters, as in your passport (not И, в, а, н, о).
>>> matches('PODIEIACHEV', 'Подъячев')
True
>>> matches('Jamshid', 'Джамшид')
True
>>> matches('Jamshid', 'Джамшит')
False
"""

from __future__ import annotations

import re
import unicodedata

from validators import InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "MAX_LENGTH",
    "compact",
    "is_valid",
    "matches",
    "to_cyrillic",
    "to_latin",
    "validate_cyrillic",
    "validate_latin",
]

#: The longest name accepted.
MAX_LENGTH = 100

_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼʻ`´′", "'") | dict.fromkeys("‐‑–", "-") | {"\u00a0": " "})
_SEPARATORS = " -'"

# Cyrillic → Latin, ICAO Doc 9303 (with the Ukrainian and Belarusian letters of its table).
_TO_LATIN = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E", "Ж": "ZH", "З": "Z",
    "И": "I", "Й": "I", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "У": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    "І": "I", "Ї": "I", "Є": "IE", "Ґ": "G", "Ў": "U",
}  # fmt: skip

# Latin → Cyrillic proposals, longest first.
_TO_CYRILLIC = {
    "SHCH": "Щ", "ZH": "Ж", "KH": "Х", "TS": "Ц", "CH": "Ч", "SH": "Ш", "IU": "Ю", "IA": "Я",
    "YA": "Я", "YU": "Ю", "YO": "Ё", "YE": "Е",
    "A": "А", "B": "Б", "V": "В", "G": "Г", "D": "Д", "E": "Е", "Z": "З", "I": "И", "K": "К",
    "L": "Л", "M": "М", "N": "Н", "O": "О", "P": "П", "R": "Р", "S": "С", "T": "Т", "U": "У",
    "F": "Ф", "Y": "Ы", "C": "К", "H": "Х", "J": "ДЖ", "Q": "К", "W": "В", "X": "КС",
}  # fmt: skip
_LONGEST = max(map(len, _TO_CYRILLIC))
_VOWELS = frozenset("AEIOUY")

# Latin letters whose accent changes the sound, before accents are dropped.
_LATIN_SPECIAL = str.maketrans(
    {"Ş": "SH", "ş": "sh", "Ș": "SH", "ș": "sh", "Ç": "CH", "ç": "ch", "Ž": "ZH", "ž": "zh",
     "Š": "SH", "š": "sh", "Č": "CH", "č": "ch", "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O",
     "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i", "Œ": "OE", "œ": "oe", "Þ": "TH",
     "þ": "th", "Ð": "D", "ð": "d"}
)  # fmt: skip

# What a correction may write for each Cyrillic letter (or pair), beyond ICAO.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "А": ("A",), "Б": ("B",), "В": ("V", "W"), "Г": ("G", "GH", "H"), "Д": ("D",),
    "Е": ("E", "YE", "IE", "JE"), "Ё": ("E", "YO", "IO", "JO"), "Ж": ("ZH", "J"), "З": ("Z",),
    "И": ("I", "Y"), "Й": ("I", "Y", "J"), "К": ("K", "C", "Q", "CK"), "Л": ("L",), "М": ("M",),
    "Н": ("N",), "О": ("O",), "П": ("P",), "Р": ("R",), "С": ("S",), "Т": ("T",),
    "У": ("U", "OU"), "Ф": ("F", "PH"), "Х": ("KH", "H", "X"), "Ц": ("TS", "C", "TZ"),
    "Ч": ("CH",), "Ш": ("SH",), "Щ": ("SHCH", "SCH"), "Ъ": ("IE", "", "'"), "Ы": ("Y", "I"),
    "Ь": ("", "'"), "Э": ("E",), "Ю": ("IU", "YU", "JU", "U"), "Я": ("IA", "YA", "JA", "A"),
    "ДЖ": ("J",), "КС": ("X",), "ИЙ": ("Y", "IY"), "ЫЙ": ("Y",),
    "І": ("I",), "Ї": ("I", "YI"), "Є": ("IE", "YE"), "Ґ": ("G",), "Ў": ("U", "W"),
}  # fmt: skip


def compact(name: str) -> str:
    """Collapse whitespace and unify apostrophes (``’`` → ``'``) and hyphens."""
    return " ".join(name.translate(_APOSTROPHES).split())


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def _validate(name: str, script: str, code: str) -> str:
    name = compact(name)
    if not name:
        raise InvalidLength(code="name_empty")
    if len(name) > MAX_LENGTH:
        raise InvalidLength(code="name_too_long", params={"max_length": MAX_LENGTH})
    bad = [c for c in name if c not in _SEPARATORS and not (c.isalpha() and _script(c) == script)]
    if bad:
        raise InvalidFormat(code=code, params={"characters": ", ".join(dict.fromkeys(bad))})
    if name[0] in _SEPARATORS or name[-1] in _SEPARATORS or re.search(r"[ '\-]{2}", name):
        raise InvalidFormat(code="name_format")
    return name


def validate_latin(name: str) -> str:
    """Check a name in Latin letters as in a passport and return it with whitespace collapsed."""
    return _validate(name, "LATIN", "name_invalid_characters")


def validate_cyrillic(name: str) -> str:
    """Check a name in Cyrillic letters (the person's correction) and return it compacted."""
    return _validate(name, "CYRILLIC", "name_cyrillic_invalid_characters")


def is_valid(name: str) -> bool:
    """Tell whether the name is valid in Latin letters."""
    try:
        return bool(validate_latin(name))
    except ValidationError:
        return False


def _plain_latin(text: str) -> str:
    """Replace accented Latin letters by plain ones (``Ş`` → ``SH``, ``é`` → ``e``)."""
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_SPECIAL))
    return "".join(c for c in text if not unicodedata.combining(c))


def _cased(out: str, chunk: str, neighbour: str) -> str:
    """Give ``out`` the case of the Latin ``chunk``: all capitals when the word is in capitals."""
    if not chunk[0].isupper():
        return out.lower()
    if len(out) == 1 or chunk[1:].isupper() or neighbour.isupper():
        return out
    return out[0] + out[1:].lower()


def to_cyrillic(latin: str) -> str:
    """Propose a Cyrillic form of a Latin name (longest match, case kept)."""
    text = _plain_latin(latin)
    upper = text.upper()
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(_LONGEST, 0, -1):
            chunk = upper[i : i + size]
            if len(chunk) == size and chunk in _TO_CYRILLIC:
                break
        else:
            out.append(text[i])
            i += 1
            continue
        prev = upper[i - 1] if i else ""
        at_end = not upper[i + size : i + size + 1].isalpha()
        cyrillic = _TO_CYRILLIC[chunk]
        if (chunk == "I" and at_end and prev in _VOWELS) or (chunk == "Y" and prev in _VOWELS and prev):
            cyrillic = "Й"
        elif chunk == "Y" and at_end and prev.isalpha():
            cyrillic = "ИЙ"
        neighbour = text[i + size : i + size + 1] or (text[i - 1] if i else "")
        out.append(_cased(cyrillic, text[i : i + size], neighbour))
        i += size
    return "".join(out)


def to_latin(cyrillic: str) -> str:
    """Transliterate a Cyrillic name into Latin letters as ICAO Doc 9303 does."""
    out: list[str] = []
    for i, char in enumerate(cyrillic):
        latin = _TO_LATIN.get(char.upper())
        if latin is None:
            out.append(char)
        elif not char.isupper():
            out.append(latin.lower())
        else:
            neighbour = cyrillic[i + 1 : i + 2] or cyrillic[i - 1 : i]
            out.append(latin if neighbour.isupper() or not neighbour.isalpha() else latin.capitalize())
    return "".join(out)


def _key(text: str) -> str:
    return compact(_plain_latin(text)).upper()


def _spells(cyrillic: str, latin: str) -> bool:
    """Dynamic programming over (Cyrillic position, Latin position)."""
    size_c = len(cyrillic)
    # reach[i]: the Latin positions that the first i Cyrillic letters can spell up to.
    reach: list[set[int]] = [set() for _ in range(size_c + 1)]
    reach[0].add(0)
    for i in range(size_c):
        if not reach[i]:
            continue
        for width in (1, 2):
            letters = cyrillic[i : i + width]
            if len(letters) < width:
                continue
            options = _SPELLINGS.get(letters, (letters,) if width == 1 else ())
            for j in reach[i]:
                for option in options:
                    if latin.startswith(option, j):
                        reach[i + width].add(j + len(option))
    return len(latin) in reach[size_c]


def matches(latin: str, cyrillic: str, strict: bool = False) -> bool:
    """Tell whether the Cyrillic name spells the Latin one (case ignored, separators in place).

    ``strict`` accepts only the ICAO transliteration; otherwise common spellings count too
    (``Jamshid`` for ``Джамшид``, ``Sergey`` for ``Сергей``).
    """
    latin_key, cyrillic_key = _key(latin), compact(cyrillic).upper()
    if _key(to_latin(cyrillic_key)) == latin_key:
        return True
    if strict:
        return False
    latin_words = re.split(r"([ \-])", latin_key.replace("'", ""))
    cyrillic_words = re.split(r"([ \-])", cyrillic_key.replace("'", ""))
    if len(latin_words) != len(cyrillic_words):
        return False
    return all(
        (lat == cyr) if lat in " -" else _spells(cyr, lat)
        for lat, cyr in zip(latin_words, cyrillic_words, strict=True)
    )
