"""Deciding what a zone says from the network's probabilities per cell: the check digits and the
field types settle doubtful characters (at most one change per check digit, and only when exactly one
change makes it hold); characters no check digit covers need :data:`UNCHECKED_CONFIDENCE`."""

from __future__ import annotations

from datetime import date

import numpy as np

from validators import ValidationError
from validators.mrz import MRZ, calc_check_digit, validate

#: The characters the network tells apart, in the order of its outputs.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
#: Lowest probability of a character that no check digit covers.
UNCHECKED_CONFIDENCE = 0.8
#: Lowest probability of a second choice tried where a check digit fails.
SECOND_CHOICE = 0.1
CONFUSIONS = [set("0OQDU"), set("1I"), set("2Z"), set("5S"), set("8B"), set("6G")]
_DIGITS, _LETTERS = set("0123456789"), set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ANY = _DIGITS | _LETTERS | {"<"}


def _schema(fmt: str) -> tuple[list[str], list[tuple[tuple[int, ...], int]], set[int]]:
    """Per position (lines joined): allowed kind; the check digits (covered positions, digit); unchecked."""
    if fmt == "TD1":
        kinds = "AAAAA" + "N" * 9 + "C" + "N" * 15
        kinds += "DDDDDDC" + "S" + "DDDDDDC" + "AAA" + "N" * 11 + "C"
        kinds += "L" * 30
        line = 30
        checks = [
            (tuple(range(5, 14)), 14),
            (tuple(range(30, 36)), 36),
            (tuple(range(38, 44)), 44),
            (tuple(range(5, 30)) + tuple(range(30, 37)) + tuple(range(38, 45)) + tuple(range(48, 59)), 59),
        ]
    else:
        line = 44 if fmt in ("TD3", "MRV-A") else 36
        kinds = "AAAAA" + "L" * (line - 5)
        kinds += "N" * 9 + "C" + "AAA" + "DDDDDDC" + "S" + "DDDDDDC"
        base = line
        checks = [
            (tuple(range(base, base + 9)), base + 9),
            (tuple(range(base + 13, base + 19)), base + 19),
            (tuple(range(base + 21, base + 27)), base + 27),
        ]
        if fmt == "TD3":
            kinds += "N" * 14 + "C" + "C"
            checks.append((tuple(range(base + 28, base + 42)), base + 42))
        elif fmt == "TD2":
            kinds += "N" * 7 + "C"
        else:
            kinds += "N" * (line - 28)
        if fmt in ("TD3", "TD2"):
            covered = tuple(range(base, base + 10)) + tuple(range(base + 13, base + 20))
            checks.append((covered + tuple(range(base + 21, 2 * line - 1)), 2 * line - 1))
    covered_all = {p for positions, digit in checks for p in (*positions, digit)}
    unchecked = {p for p in range(len(kinds)) if p not in covered_all}
    return list(kinds), checks, unchecked


_ALLOWED = {
    "A": _LETTERS | {"<"},  # document type, states
    "L": _LETTERS | {"<"},  # names
    "N": _ANY,  # numbers and optional data
    "D": _DIGITS,  # dates
    "C": _DIGITS | {"<"},  # check digits
    "S": set("MFX<"),
}
_INDEX = {character: index for index, character in enumerate(ALPHABET)}


def _confusable(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in CONFUSIONS)


def _choose(probabilities: np.ndarray, kind: str) -> tuple[str, float] | None:
    """The likeliest allowed character, if it is the first choice or a classic confusion of it."""
    allowed = _ALLOWED[kind]
    order = np.argsort(-probabilities)
    first = ALPHABET[order[0]]
    for index in order:
        character = ALPHABET[index]
        if character in allowed:
            if character == first or _confusable(character, first) or probabilities[index] >= 0.2:
                return character, float(probabilities[index])
            return None
    return None  # pragma: no cover - every kind allows some character


def decide(probabilities: np.ndarray, fmt: str, today: date | None = None) -> tuple[MRZ | None, str]:
    """The zone read from per-position probabilities (positions of the lines joined), and its text."""
    kinds, checks, unchecked = _schema(fmt)
    chosen: list[str] = []
    confidence: list[float] = []
    for p, kind in enumerate(kinds):
        pick = _choose(probabilities[p], kind)
        chosen.append(pick[0] if pick else "?")
        confidence.append(pick[1] if pick else 0.0)
    width = {"TD1": 30, "TD2": 36, "MRV-B": 36}.get(fmt, 44)
    text = "\n".join("".join(chosen[i : i + width]) for i in range(0, len(chosen), width))
    if "?" in chosen:
        return None, text
    if any(confidence[p] < UNCHECKED_CONFIDENCE for p in unchecked):
        return None, text
    for positions, digit in checks:
        field = "".join(chosen[p] for p in positions)
        if _holds(fmt, field, chosen[digit], positions, digit):
            continue
        repairs = []
        for p in (*positions, digit):
            for index in np.argsort(-probabilities[p])[:3]:
                character = ALPHABET[index]
                if character == chosen[p] or character not in _ALLOWED[kinds[p]]:
                    continue
                if probabilities[p][index] < SECOND_CHOICE and not _confusable(character, chosen[p]):
                    continue
                trial = chosen.copy()
                trial[p] = character
                if _holds(fmt, "".join(trial[q] for q in positions), trial[digit], positions, digit):
                    repairs.append((p, character))
        if len(repairs) != 1:
            return None, text
        p, character = repairs[0]
        chosen[p] = character
    text = "\n".join("".join(chosen[i : i + width]) for i in range(0, len(chosen), width))
    try:
        zone = validate(text, today=today)
    except ValidationError:
        return None, text
    # The first letter decides the format: a zone read as one format that is another is not taken.
    return (zone if zone.format == fmt else None), text


def _holds(fmt: str, field: str, digit: str, positions: tuple[int, ...], digit_position: int) -> bool:
    if digit == "<":
        # An empty TD3 personal number may have a filler for its check digit; a long TD1/TD2 number
        # leaves a filler there too, and the composite then guards the rest.
        return set(field) == {"<"} or (fmt in ("TD1", "TD2") and len(positions) == 9)
    return calc_check_digit(field) == digit
