"""Tests for the free-text rule: invisible, direction-changing and control characters are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation

from validators import InvalidFormat, text
from validators.django import PlainTextValidator

REFUSED = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width and marks
    "\u2028", "\u2029", "\ufeff", "\u00ad", "\u2060", "\U000e0041",  # separators, BOM, soft hyphen, joiner, tag
    "\x00", "\x07", "\x1b", "\x7f", "\x85",  # controls
    "\ud800",  # an unpaired surrogate
]  # fmt: skip


@pytest.mark.parametrize("character", REFUSED)
def test_refuses_each_invisible_character(character):
    """Every bidirectional control, zero-width, format, control or surrogate character is refused by code."""
    with pytest.raises(InvalidFormat) as caught:
        text.validate(f"Tash{character}kent")
    assert caught.value.code == "text_invisible_characters"
    assert caught.value.params == {"characters": f"U+{ord(character):04X}"}
    assert not text.is_valid(character)


@pytest.mark.parametrize(
    "value",
    ["", "г. Ташкент, ул. Навои, д. 1", "Line one\r\nline two\tend", "O'Neil — Müller № 5", "北京市", "تهران"
     , "\u0600\u0661"],
)  # fmt: skip
def test_accepts_ordinary_text(value):
    """Letters of any script, punctuation, tabs, line breaks and visible Arabic marks pass unchanged."""
    assert text.validate(value) == value and text.is_valid(value)


def test_names_at_most_five_characters_once_each():
    """The message lists each refused character once, at most five of them."""
    value = "\u202e\u202e" + "".join(REFUSED[:8])
    with pytest.raises(InvalidFormat) as caught:
        text.validate(value)
    assert caught.value.params["characters"] == "U+202E, U+202A, U+202B, U+202C, U+202D"


def test_django_validator_translates_the_message():
    """The Django adapter raises Django's error with the code, in the active language."""
    with translation.override("ru"):
        with pytest.raises(DjangoValidationError) as caught:
            PlainTextValidator()("Tash\u202ekent")
        # Read inside the override: the message is lazy, rendered in the language active when read.
        assert caught.value.code == "text_invisible_characters"
        assert "U+202E" in caught.value.messages[0] and "Удалите" in caught.value.messages[0]
    assert PlainTextValidator()("ok") == "ok"
    assert PlainTextValidator() == PlainTextValidator()
