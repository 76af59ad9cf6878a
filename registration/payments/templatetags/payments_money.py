from __future__ import annotations

from django import template

from registration.payments.money import roubles as _roubles

register = template.Library()


@register.filter
def roubles(kopecks: int) -> str:
    """An amount in kopecks, in roubles for the active language."""
    return _roubles(kopecks)
