"""``{{ moment|with_zone }}``: a time with its zone named, in the language being rendered."""

from __future__ import annotations

from datetime import datetime

from django import template

from registration.core import timezones

register = template.Library()


@register.filter
def with_zone(moment: datetime | None, format_string: str = "d.m.Y H:i") -> str:
    """``10.12.2026 10:00 (Moscow time, UTC+3)``; empty for no time."""
    if moment is None or moment == "":
        return ""
    return timezones.with_zone(moment, format_string)
