"""Masking personal data in the workspace's lists: enough to tell records apart, not enough to misuse."""

from __future__ import annotations

# Lookups on these parts of a path are refused in every list (whole passport, SNILS and INN numbers,
# the MRZ that contains the passport number, hashes): clerks search by the last digits instead.
SECRET_LOOKUP_PARTS = frozenset({"snils", "inn", "number", "series", "mrz", "code_hash", "subject", "password"})


def mask(value: str | None, keep: int = 4) -> str:
    """``+79161234567`` → ``********4567``; a value no longer than ``keep`` is masked whole."""
    value = value or ""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


def mask_phone(phone: str | None) -> str:
    """``+79161234567`` → ``+7916***4567``: what a person sees of their own number, and what logs keep."""
    phone = phone or ""
    return phone[:5] + "***" + phone[-4:] if len(phone) > 9 else "***"


def mask_passport(last_digits: str | None) -> str:
    """The last digits of a passport number → ``******4567`` (the masked part has a fixed length)."""
    return f"******{last_digits}" if last_digits else ""


def mask_snils(value: str | None) -> str:
    """``11223344595`` → ``***-***-*** 95``."""
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return f"***-***-*** {digits[-2:]}" if len(digits) == 11 else ""


def mask_email(value: str | None) -> str:
    """``anna.eriksson@example.org`` → ``a***@example.org``."""
    local, _, domain = (value or "").partition("@")
    if not domain:
        return mask(value)
    return f"{local[:1]}***@{domain}"


def refuses_lookup(lookup: str) -> bool:
    """Whether a list filter lookup touches a secret field (``documents__number``, ``snils__exact``…)."""
    return any(part in SECRET_LOOKUP_PARTS for part in lookup.split("__"))
