"""Sorting what a person reads in the order of their language's alphabet.

Python's ``sorted()`` compares code points: in Russian it puts "Ё" after "Я", upper case before lower
case and every Cyrillic name after every Latin one. Lists a person chooses from are sorted here
instead, with the Unicode Collation Algorithm (pyuca, which ships the Default Unicode Collation
Element Table): letters in alphabetical order, case and accents deciding only between otherwise equal
names, a hyphen or a space counting before any letter ("Кот-д'Ивуар" stays among the К). As CLDR's
tailoring for Russian, Kazakh, Kyrgyz and Tajik does ("[reorder Cyrl]"), names in the language's own
script come before names in another script. Chinese is ordered by the table's order of characters
(radical and stroke), not by pinyin: the one tailoring pyuca cannot give.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

#: Languages whose CLDR collation puts Cyrillic first.
CYRILLIC_FIRST = frozenset({"ru", "kk", "ky", "tg", "uk", "be"})


@lru_cache(maxsize=1)
def _collator() -> Any:
    import pyuca  # type: ignore[import-untyped]  # its table takes half a second to load: once per process, when first needed

    return pyuca.Collator()


def _script_rank(text: str, language: str) -> int:
    """0 when the first letter is in the language's own script (for the languages that reorder), else 1."""
    if language.split("-")[0] not in CYRILLIC_FIRST:
        return 0
    for char in text:
        if char.isalpha():
            return 0 if unicodedata.name(char, "").startswith("CYRILLIC") else 1
    return 1


def sort_key(text: str, language: str) -> tuple[int, tuple[int, ...]]:
    """The key that orders ``text`` as the dictionary of ``language`` (a Django language code) would."""
    return _script_rank(text, language), tuple(_collator().sort_key(text))


def collate(items: Iterable[T], language: str, key: Callable[[T], str] | None = None) -> list[T]:
    """``items`` sorted by the alphabet of ``language``; ``key`` gives each item's text (the item itself by default)."""
    text: Callable[[T], str] = key or str
    return sorted(items, key=lambda item: sort_key(text(item), language))


def collate_choices(choices: Iterable[tuple[str, Any]], language: str) -> list[tuple[str, Any]]:
    """Form choices ``(value, label)`` sorted by their labels, as read in ``language``."""
    return collate(choices, language, key=lambda choice: str(choice[1]))
