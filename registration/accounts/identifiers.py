"""THE normalisation of log-in identifiers: how an e-mail or phone is stored, compared, looked up and counted.

* An e-mail is NFKC-normalised and case-folded (Python's full Unicode case folding, the same on every
  database: ``ſ`` → ``s``, ``ß`` → ``ss``), and its domain is written in IDNA (punycode). Accounts
  store this form and the database keeps it unique; log-in looks it up exactly (never with the
  database's own case-insensitive matching, whose Unicode rules differ: PostgreSQL's ``upper('ı')``
  is ``I``).
* A phone is E.164 (``validators.phone``).
* :func:`skeleton` folds characters that look alike (dotless ``ı``, Cyrillic ``а``, …) onto the Latin
  letter they imitate: failed log-ins are counted under the account that a look-alike address imitates,
  and registration refuses addresses that mix scripts or imitate Latin (:func:`check_registration_email`).
"""

from __future__ import annotations

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from validators import ValidationError as ValueInvalid
from validators import phone as phone_numbers

#: Characters that imitate a Latin letter or digit, folded onto it (after NFKC and case folding).
_LOOK_ALIKES = str.maketrans(
    {
        # Latin letters without (or with a hidden) dot, and old forms.
        "ı": "i", "ȷ": "j", "ĸ": "k", "ɩ": "i", "ɡ": "g", "ɑ": "a", "ʟ": "l", "ǀ": "l",
        # Cyrillic.
        "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ь": "b", "г": "r", "п": "n", "ш": "w",
        # Greek.
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Armenian and others often used in spoofing.
        "օ": "o", "ս": "u", "հ": "h", "ց": "g",
    }
)  # fmt: skip


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def _ascii_domain(domain: str) -> str:
    """The domain in IDNA (punycode); left as it is when it is no valid domain (it then matches nothing)."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return domain


def normalise_email(value: str | None) -> str:
    """The stored form of an e-mail address: NFKC, case-folded, the domain in IDNA (punycode)."""
    folded = _fold((value or "").strip())
    local, at, domain = folded.rpartition("@")
    if not at:
        return folded
    return f"{local}@{_ascii_domain(domain.rstrip('.'))}"


def normalise_phone(value: str | None) -> str:
    """The stored form of a mobile number (E.164); a number that is not one stays as typed, compacted."""
    text = unicodedata.normalize("NFKC", (value or "").strip())
    try:
        return phone_numbers.validate(text)
    except ValueInvalid:
        return phone_numbers.compact(text)


def is_email(identifier: str) -> bool:
    return "@" in (identifier or "")


def normalise_identifier(identifier: str | None) -> str:
    """An e-mail or a phone, as typed at log-in, in its stored form."""
    identifier = (identifier or "").strip()
    return normalise_email(identifier) if is_email(identifier) else normalise_phone(identifier)


def _unicode_domain(domain: str) -> str:
    try:
        return idna.decode(domain)
    except (idna.IDNAError, UnicodeError):
        return domain


def skeleton(email: str) -> str:
    """The address with look-alike characters folded onto Latin (what it imitates), normalised."""
    local, at, domain = normalise_email(email).rpartition("@")
    if not at:
        return normalise_email(email).translate(_LOOK_ALIKES)
    return normalise_email(f"{local.translate(_LOOK_ALIKES)}@{_unicode_domain(domain).translate(_LOOK_ALIKES)}")


def _scripts(label: str) -> set[str]:
    """The scripts of the letters in ``label`` (the first word of each letter's Unicode name)."""
    return {unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in label if ch.isalpha()}


def is_confusable(email: str) -> bool:
    """Whether the address mixes scripts in one part or imitates a Latin address with other letters."""
    local, _at, domain = normalise_email(email).rpartition("@")
    labels = [local, *_unicode_domain(domain).split(".")]
    for label in labels:
        if len(_scripts(label)) > 1:
            return True
        if not label.isascii() and label.translate(_LOOK_ALIKES).isascii():
            return True  # every letter imitates a Latin one (dotless ı, a wholly Cyrillic "аррӏе", …)
    return False


def check_registration_email(value: str) -> str:
    """The address in its stored form, or a field error when it could be mistaken for another."""
    if is_confusable(value):
        raise ValidationError(
            _("This address contains letters that look like other letters. Type it in one alphabet."),
            code="email_confusable",
        )
    return normalise_email(value)
